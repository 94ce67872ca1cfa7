import CairnCLI
import Foundation

exit(await Cairn.run(arguments: Array(CommandLine.arguments.dropFirst())))
