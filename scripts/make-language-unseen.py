#!/usr/bin/env python3
"""Builds Tests/CairnAnalyticsTests/Fixtures/language-unseen.tsv: sentences labelled by language (English, German,
Hebrew, Chinese) from text that played no part in choosing the language detector's word lists, so that its accuracy
can be measured honestly. (language-sentences.tsv, made by make-text-data.py from Django's catalogues, is where some
of those words were taken from.)

What it reads, from the folder given as the first argument:

  Trac-1.6 wheel (BSD-3-Clause, Edgewall Software; "License: BSD" in its metadata, the text in
      Trac-1.6.dist-info/COPYING), downloaded with `pip download --no-deps Trac==1.6` and unpacked into
      <folder>/Trac-1.6/ (the wheel is a zip file: `python3 -m zipfile -e Trac-1.6-py3-none-any.whl Trac-1.6`).
      Its compiled message catalogues trac/locale/{de,he,zh_CN}/LC_MESSAGES/messages.mo: msgid is English,
      msgstr German, Hebrew and Chinese (simplified). The wheel ships only the compiled .mo files, which hold the
      translated, non-fuzzy messages; they are read here with the standard library.

What it writes: language-unseen.tsv with the columns of language-sentences.tsv (language, source, text), source
"trac": up to 300 messages per language (en from the msgids of the three catalogues, de / he / zh from the msgstrs),
drawn with a fixed seed and written sorted, each text once. A message is kept when its English msgid has four or more
words (pieces holding a letter) once cleaned; a translation also needs four or more words (German, Hebrew), letters
of its own script (Hebrew, Chinese) and must not be a copy of the msgid. Cleaning removes placeholders (%(name)s, %s,
%d, {0}), HTML tags and entities, and Trac's bracket markup ([1:text] -> text), and joins lines. Messages holding a
wiki code block ({{{ ... }}}) are left out, as are plural forms other than the first, and any text already in
language-sentences.tsv.

Run: python3 scripts/make-language-unseen.py /tmp/pkgs
"""
import html, os, random, re, struct, sys

src = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fix = os.path.join(root, "Tests/CairnAnalyticsTests/Fixtures")
trac = os.path.join(src, "Trac-1.6")
PER_LANGUAGE = 300
rng = random.Random(20261205)


def mo_pairs(path):
    """(msgid, msgstr) of a GNU .mo file; plural entries give their first forms, the header is skipped."""
    data = open(path, "rb").read()
    order = "<" if struct.unpack("<I", data[:4])[0] == 0x950412DE else ">"
    _, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    for i in range(count):
        length, offset = struct.unpack(order + "2I", data[originals + 8 * i:originals + 8 * i + 8])
        msgid = data[offset:offset + length].decode("utf-8")
        length, offset = struct.unpack(order + "2I", data[translations + 8 * i:translations + 8 * i + 8])
        msgstr = data[offset:offset + length].decode("utf-8")
        msgid, msgstr = msgid.split("\x00")[0], msgstr.split("\x00")[0]
        if "\x04" in msgid:  # a message context: keep the message only
            msgid = msgid.split("\x04", 1)[1]
        if msgid:
            yield msgid, msgstr


def clean(s):
    previous = None
    while previous != s:  # [1:text] -> text, nested ones too
        previous, s = s, re.sub(r"\[\d+:([^\[\]]*)\]", r"\1", s)
    s = re.sub(r"%\([^)]*\)[sdir]|%[sdir]|\{[^}]*\}|<[^>]+>", " ", s)
    s = html.unescape(s)
    return re.sub(r"\s+", " ", s).strip()


hebrew_letter = re.compile(r"[\u05d0-\u05ea]")
han = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def words(s):
    """Whitespace-separated pieces that hold a letter (a lone quote left by a placeholder is no word)."""
    return [w for w in s.split() if any(c.isalpha() for c in w)]
script_ok = {"de": lambda s: True, "he": hebrew_letter.search, "zh": han.search}

seen = set()
with open(os.path.join(fix, "language-sentences.tsv"), encoding="utf-8") as f:
    next(f)
    for line in f:
        seen.add(line.rstrip("\n").split("\t")[2])

rows = {"en": set(), "de": set(), "he": set(), "zh": set()}
for lang, folder in [("de", "de"), ("he", "he"), ("zh", "zh_CN")]:
    for msgid, msgstr in mo_pairs(os.path.join(trac, f"trac/locale/{folder}/LC_MESSAGES/messages.mo")):
        if "{{{" in msgid or "{{{" in msgstr:
            continue
        e, o = clean(msgid), clean(msgstr)
        if len(words(e)) < 4 or e in seen:
            continue
        rows["en"].add(e)
        if not o or o == e or o in seen or not script_ok[lang](o):
            continue
        if lang in ("de", "he") and len(words(o)) < 4:
            continue
        rows[lang].add(o)

with open(os.path.join(fix, "language-unseen.tsv"), "w", encoding="utf-8") as out:
    out.write("language\tsource\ttext\n")
    for lang in ["en", "de", "he", "zh"]:
        pool = sorted(rows[lang])
        chosen = rng.sample(pool, min(PER_LANGUAGE, len(pool)))
        for s in sorted(chosen):
            out.write(f"{lang}\ttrac\t{s}\n")
        print(f"{lang}: {len(chosen)} of {len(pool)} candidate messages")
