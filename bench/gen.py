#!/usr/bin/env python3
"""Generate a synthetic knowledge base for quire's benchmark (bench/run.sh).

Writes a git repository holding a quire site (site.yml, content/SECTION/NAME.md, themes/) and,
beside it, a minimal Hugo site reading the same content/ (hugo.toml, layouts/). The history is
written as one `git fast-import` stream: one commit adds each article, then the same number of
commits edit 1-3 existing articles each (so about 2 commits per article, 3 revisions per article
on average), by about 10 authors, with increasing dates. Output is deterministic for a seed.

    python3 bench/gen.py -n 10000 -o bench/data/kb-10000 [--seed 1]
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SECTIONS = [
    "onboarding", "leave-and-absence", "pay-and-benefits", "health-and-safety", "it-and-security",
    "data-protection", "procurement", "finance", "facilities", "recruitment", "performance",
    "learning", "communications", "legal", "governance", "travel", "wellbeing",
    "equality-and-inclusion", "customer-service", "operations",
]

AUTHORS = [
    ("Cara Counsel", "cara@example.org"), ("Dev Patel", "dev.patel@example.org"),
    ("Ana Souza", "ana@example.org"), ("Tom Okafor", "t.okafor@example.org"),
    ("Mei Lin", "mei.lin@example.org"), ("Sam Hughes", "sam@example.org"),
    ("Olga Ivanova", "olga@example.org"), ("Jamal Reid", "jamal.reid@example.org"),
    ("Priya Nair", "priya@example.org"), ("Lukas Becker", "lukas@example.org"),
    ("Fiona Walsh", "fiona.walsh@example.org"),
]

NOUNS = """account action adviser agreement allowance appeal application approval area arrangement
assessment asset audit authority balance benefit board budget building call card case centre change
charge check claim client code colleague committee company complaint condition contract contractor
contribution control cost council country course data date deadline decision department deposit
device director document duty effect employee employer entitlement equipment evidence exception
expense experience facility failure fee file form framework fund grant guidance hazard hearing holiday
incident income information injury inspection insurance interview invoice issue job laptop leave
letter level licence limit line list loan manager meeting member method month notice number office
officer order organisation owner password payment period permission person plan policy position
practice premises procedure process product programme project proposal provider purchase purpose
question rate reason record referral register report request requirement review right risk role rule
salary schedule scheme section service session shift site situation standard statement step supplier
support system target task team term test timescale training transfer trip unit update user vehicle
visit week workload worker workplace year""".split()

VERBS = """accept agree allow approve arrange ask assess book cancel change check choose claim collect
complete confirm consider contact cover decide deliver describe discuss enter explain extend file
follow give handle help identify include inform keep list make manage meet move note notify offer
pay plan prepare process provide publish raise receive record reduce refer register reject remove
renew replace report request require return review sign store submit support take tell track update
use verify withdraw write""".split()

ADJS = """accurate additional annual appropriate available basic brief careful central clear common
complete confidential correct current daily detailed different direct early eligible essential
external fair final formal full general formal important individual informal initial internal joint
late legal local main mandatory monthly named necessary new normal official ongoing open optional
original other overall particular permanent personal practical previous primary private proper
public quarterly reasonable recent regular relevant remote required responsible secure senior
separate serious shared short significant simple specific standard temporary total urgent usual
valid weekly written""".split()

ADVS = """always usually normally promptly carefully clearly quickly only also still often rarely
formally directly immediately regularly""".split()

PREPS = "for with under before after during within about against without through across".split()

TAGS = """absence accessibility accounts appraisal audit benefits booking budgets compliance
consultation contracts data-sharing deadlines disability discipline equipment ethics expenses
feedback forms fraud grievance hardware health hiring holidays hybrid-working induction insurance
invoices laptops leavers legal managers mentoring monitoring overtime parental-leave passwords
payroll pensions privacy procurement promotion records recycling reporting retention risk safety
security sickness software suppliers templates training travel vehicles visitors wellbeing""".split()

SUBJECTS = ["Update", "Clarify", "Correct", "Expand", "Tighten", "Reword", "Fix", "Revise"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def noun_phrase(self):
        r = self.r.random()
        if r < 0.35:
            return "the " + self.pick(NOUNS)
        if r < 0.7:
            return "the %s %s" % (self.pick(ADJS), self.pick(NOUNS))
        if r < 0.85:
            adj = self.pick(ADJS)
            return "%s %s %s" % ("an" if adj[0] in "aeiou" else "a", adj, self.pick(NOUNS))
        return "your " + self.pick(NOUNS)

    def sentence(self):
        t = self.r.randrange(6)
        if t == 0:
            s = "%s %s %s %s %s." % (self.noun_phrase(), self.pick(ADVS), self.verb_s(),
                                      self.noun_phrase(), self.pick(PREPS) + " " + self.noun_phrase())
        elif t == 1:
            s = "You should %s %s %s %s." % (self.pick(VERBS), self.noun_phrase(),
                                              self.pick(PREPS), self.noun_phrase())
        elif t == 2:
            s = "If %s is %s, %s %s %s." % (self.noun_phrase(), self.pick(ADJS), self.noun_phrase(),
                                           "must " + self.pick(VERBS), self.noun_phrase())
        elif t == 3:
            s = "Managers %s %s %s, and %s %s %s." % (
                self.pick(VERBS), self.noun_phrase(), self.pick(PREPS) + " " + self.noun_phrase(),
                self.pick(ADVS), self.pick(VERBS), self.noun_phrase())
        elif t == 4:
            s = "%s can %s %s within %d working days." % (self.noun_phrase(), self.pick(VERBS),
                                                        self.noun_phrase(), self.r.randint(2, 30))
        else:
            s = "Ask %s to %s %s %s %s." % (self.noun_phrase(), self.pick(VERBS), self.noun_phrase(),
                                          self.pick(PREPS), self.noun_phrase())
        s = s[0].upper() + s[1:]
        if self.r.random() < 0.08:
            w = self.pick(NOUNS)
            s = s.replace(" " + w + " ", " **" + w + "** ", 1) if (" " + w + " ") in s else s
        return s

    def verb_s(self):
        v = self.pick(VERBS)
        if v.endswith(("s", "sh", "ch", "x")):
            return v + "es"
        if v.endswith("y") and v[-2] not in "aeiou":
            return v[:-1] + "ies"
        return v + "s"

    def title_words(self, lo, hi):
        return [self.pick(ADJS if i % 3 == 1 else NOUNS) for i in range(self.r.randint(lo, hi))]

    def heading(self):
        w = [self.pick(VERBS).capitalize(), self.pick(ADJS), self.pick(NOUNS)]
        if self.r.random() < 0.5:
            w += [self.pick(PREPS), self.pick(NOUNS)]
        return " ".join(w)


def slugify(text):
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


class Article:
    """An article as blocks, so that edits change one sentence or item, as people do."""
    __slots__ = ("name", "section", "title", "summary", "tags", "blocks", "first_heading", "path")

    def render(self):
        head = ["---", "title: " + self.title, "summary: " + self.summary,
                "tags: [" + ", ".join(self.tags) + "]", "---", ""]
        return "\n".join(head) + "\n" + render_blocks(self.blocks)


def render_blocks(blocks):
    out = []
    for kind, val in blocks:
        if kind == "p":
            out.append(" ".join(val))
        elif kind == "h2":
            out.append("## " + val)
        elif kind == "h3":
            out.append("### " + val)
        elif kind == "ul":
            out.extend("- " + it for it in val)
        elif kind == "ol":
            out.extend("%d. %s" % (i + 1, it) for i, it in enumerate(val))
        elif kind == "table":
            head, rows = val
            out.append("| " + " | ".join(head) + " |")
            out.append("|" + "---|" * len(head))
            out.extend("| " + " | ".join(r) + " |" for r in rows)
        elif kind == "quote":
            out.append("> " + val)
        out.append("")
    return "\n".join(out)


def link_text(g, target, same_section, rel):
    """A link to an existing article, as a relative link or a wiki link (sometimes to a heading)."""
    anchor = ""
    if g.r.random() < 0.2:
        anchor = "#" + slugify(target.first_heading)
    if rel:
        path = (target.name if same_section else "../%s/%s" % (target.section, target.name)) + ".md"
        return "[%s](%s%s)" % (target.title.lower(), path, anchor)
    if g.r.random() < 0.5:
        return "[[%s%s]]" % (target.name, anchor)
    return "[[%s%s|%s]]" % (target.name, anchor, " ".join(target.title.lower().split()[:3]))


def make_article(g, idx, names, articles):
    a = Article()
    a.section = SECTIONS[g.r.randrange(len(SECTIONS))]
    words = g.title_words(3, 6)
    a.title = " ".join(words).capitalize()
    base = slugify(" ".join(words[:4]))
    name, n = base, 2
    while name in names:
        name = "%s-%d" % (base, n)
        n += 1
    names.add(name)
    a.name = name
    a.path = "content/%s/%s.md" % (a.section, name)
    a.summary = g.sentence()
    a.tags = sorted(set(g.pick(TAGS) for _ in range(g.r.randint(2, 4))))
    target_len = g.r.randint(3700, 4300)
    blocks = [("p", [g.sentence() for _ in range(g.r.randint(3, 5))])]
    a.first_heading = g.heading()
    used_heads = set()
    size = 0
    sec = 0
    did_table = did_list = False
    # Leave ~550 bytes for the front matter and the links added below.
    while size + 550 < target_len:
        h = a.first_heading if sec == 0 else g.heading()
        while sec and (h == a.first_heading or h in used_heads):
            h = g.heading()
        used_heads.add(h)
        blocks.append(("h2", h))
        sec += 1
        for _ in range(g.r.randint(1, 2)):
            p = [g.sentence() for _ in range(g.r.randint(3, 6))]
            blocks.append(("p", p))
        if not did_list or g.r.random() < 0.3:
            kind = "ul" if g.r.random() < 0.7 else "ol"
            items = [g.sentence() for _ in range(g.r.randint(3, 6))]
            blocks.append((kind, items))
            did_list = True
        if not did_table and (sec >= 2 or size > target_len * 0.6):
            head = [g.pick(NOUNS).capitalize(), "What to do", "Who approves"]
            rows = [[g.pick(ADJS).capitalize() + " " + g.pick(NOUNS), g.sentence(),
                     g.pick(NOUNS).capitalize()] for _ in range(g.r.randint(3, 5))]
            blocks.append(("table", (head, rows)))
            did_table = True
        if g.r.random() < 0.25:
            blocks.append(("h3", g.heading()))
            p = [g.sentence() for _ in range(g.r.randint(2, 4))]
            blocks.append(("p", p))
        if g.r.random() < 0.1:
            blocks.append(("quote", "This is guidance, not a contract. " + g.sentence()))
        size = len(render_blocks(blocks))
    # 3-5 links to articles that already exist, placed as sentences inside paragraphs.
    paras = [i for i, b in enumerate(blocks) if b[0] == "p"]
    nlinks = min(len(articles), g.r.randint(3, 5))
    targets = g.r.sample(range(len(articles)), nlinks) if nlinks else []
    for t in targets:
        tgt = articles[t]
        lt = link_text(g, tgt, tgt.section == a.section, g.r.random() < 0.5)
        s = g.pick(["See %s.", "For the details, read %s.", "This works with %s.",
                    "%s explains the exceptions."]) % lt
        s = s[0].upper() + s[1:] if s[0] != "[" else s
        blocks[g.pick(paras)][1].append("\x00" + s)  # \x00 marks a link sentence: edits keep it
    a.blocks = blocks
    return a


def render_article(a):
    return a.render().replace("\x00", "")


def edit_article(g, a):
    """Applies one plausible edit: reword a sentence, add a sentence or list item, change the
    summary, or add a tag. Returns a few words for the commit message."""
    r = g.r.random()
    paras = [b for b in a.blocks if b[0] == "p"]
    if r < 0.45:
        p = g.pick(paras)[1]
        plain = [i for i, s in enumerate(p) if not s.startswith("\x00")]
        if plain:
            p[g.pick(plain)] = g.sentence()
            return "Reword"
    if r < 0.7:
        g.pick(paras)[1].append(g.sentence())
        return "Expand"
    if r < 0.82:
        lists = [b for b in a.blocks if b[0] in ("ul", "ol")]
        if lists:
            items = g.pick(lists)[1]
            items.insert(g.r.randint(0, len(items)), g.sentence())
            return "Add a step to"
    if r < 0.94:
        a.summary = g.sentence()
        return "Rewrite the summary of"
    a.tags = sorted(set(a.tags) | {g.pick(TAGS)})
    return "Retag"


def data_cmd(b):
    return b"data %d\n" % len(b) + b + b"\n"


def static_files():
    """site.yml, the quire theme, the Hugo config and layouts, .gitignore: (path, bytes)."""
    files = [
        (".gitignore", b"/public/\n/.quire-*\n/.hugo_build.lock\n/resources/\n/out/\n"),
        ("site.yml", b"title: Synthetic staff handbook\nlanguage: en-GB\n"
                     b"base_url: https://bench.example.org\nhistory: true\nlinks: error\n"),
    ]
    for top, dest in ((os.path.join(ROOT, "themes"), "themes"),
                      (os.path.join(HERE, "hugo", "layouts"), "layouts")):
        for dp, dn, fn in os.walk(top):
            dn.sort()
            for f in sorted(fn):
                src = os.path.join(dp, f)
                with open(src, "rb") as fh:
                    files.append((dest + "/" + os.path.relpath(src, top).replace(os.sep, "/"),
                                  fh.read()))
    with open(os.path.join(HERE, "hugo", "hugo.toml"), "rb") as fh:
        files.append(("hugo.toml", fh.read()))
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, required=True, help="number of articles")
    ap.add_argument("-o", required=True, help="output folder (replaced)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--edits", type=float, default=1.0,
                    help="edit commits per article (default 1: 2 commits per article in all)")
    args = ap.parse_args()
    t0 = time.time()
    g = Gen(args.seed)
    out = os.path.abspath(args.o)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    subprocess.run(["git", "init", "-q", "-b", "main", out], check=True)
    fi = subprocess.Popen(["git", "-C", out, "fast-import", "--quiet", "--done"],
                          stdin=subprocess.PIPE)
    w = fi.stdin
    when = 1514800800  # 1 January 2018, 10:00 UTC
    tzs = ["+0000", "+0100", "+0000", "-0500", "+0530"]
    ncommits = 0

    def commit(msg, files):
        nonlocal when, ncommits
        when += g.r.randint(300, 4 * 3600)
        name, email = g.pick(AUTHORS)
        tz = g.pick(tzs)
        parts = [b"commit refs/heads/main\n",
                 ("author %s <%s> %d %s\n" % (name, email, when, tz)).encode(),
                 ("committer %s <%s> %d %s\n" % (name, email, when, tz)).encode(),
                 data_cmd(msg.encode())]
        for path, body in files:
            parts.append(b"M 100644 inline " + path.encode() + b"\n")
            parts.append(data_cmd(body))
        parts.append(b"\n")
        w.write(b"".join(parts))
        ncommits += 1

    articles, names = [], set()
    for i in range(args.n):
        a = make_article(g, i, names, articles)
        articles.append(a)
        files = [(a.path, render_article(a).encode())]
        if i == 0:
            files = static_files() + files
        commit("Add %s\n" % a.title.lower(), files)
    for _ in range(int(args.n * args.edits)):
        touched = g.r.sample(range(len(articles)), g.r.randint(1, 3))
        what = []
        files = []
        for t in touched:
            a = articles[t]
            what.append((edit_article(g, a), a))
            files.append((a.path, render_article(a).encode()))
        verb, a0 = what[0]
        subj = "%s %s" % (verb if verb != "Reword" else g.pick(SUBJECTS), a0.title.lower())
        if len(what) > 1:
            subj += " and %d other article%s" % (len(what) - 1, "s" if len(what) > 2 else "")
        msg = subj + "\n"
        if g.r.random() < 0.4:
            msg += "\n" + " ".join(g.sentence() for _ in range(g.r.randint(1, 3))) + "\n"
        commit(msg, files)
    w.write(b"done\n")
    w.close()
    if fi.wait() != 0:
        sys.exit("gen.py: git fast-import failed")
    subprocess.run(["git", "-C", out, "reset", "-q", "--hard"], check=True)
    # fast-import stores each blob as a delta of the previous one written,
    # in chains up to 50 deep: reading past versions from such a pack costs
    # ~30x more than from a normal one.  A real repository has been gc'd.
    subprocess.run(["git", "-C", out, "repack", "-adf", "-q"], check=True)
    total = sum(os.path.getsize(os.path.join(out, a.path)) for a in articles)
    print("gen.py: %d articles (%.1f KB average) in %d sections, %d commits, in %.1f s -> %s"
          % (len(articles), total / len(articles) / 1024, len(SECTIONS), ncommits,
             time.time() - t0, out), file=sys.stderr)


if __name__ == "__main__":
    main()
