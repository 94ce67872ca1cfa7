import CairnCLI
import Foundation

// Line-buffer standard output so one-time notices (a generated password, the listening address) appear at once.
setvbuf(stdout, nil, _IOLBF, 0)
exit(await Cairn.run(arguments: Array(CommandLine.arguments.dropFirst())))
