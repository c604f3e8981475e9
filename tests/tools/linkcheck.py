#!/usr/bin/env python3
"""Checks every internal href/src in a built site: it must resolve to a file,
its #fragment to an id in that file, and it must be relative (no leading '/'
and no link to a folder), because the site has to work from file://.
The one exception is OUT/404.html, which a web server shows at any address:
with base_url set its links start at base_url's path (here "/"), and they
are resolved from the site's root.
Prints one line per problem and exits 1 if there is any."""
import html.parser, os, sys, urllib.parse

class Collect(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids = [], set()
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)
            if k in ("href", "src") and v is not None and tag not in ("form",):
                self.links.append((tag, v))
            if tag == "meta" and k == "content" and v and "url=" in v:
                self.links.append(("meta", v.split("url=", 1)[1]))

def main(root):
    pages, problems = {}, []
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                p = os.path.join(d, f)
                c = Collect()
                c.feed(open(p, encoding="utf-8").read())
                pages[os.path.normpath(p)] = c
    for p, c in sorted(pages.items()):
        for tag, url in c.links:
            u = urllib.parse.urlsplit(url)
            if u.scheme or url.startswith("//"):
                continue
            base = os.path.dirname(p)
            if url.startswith("/") and p == os.path.normpath(os.path.join(root, "404.html")):
                base, url = root, url[1:]
                u = urllib.parse.urlsplit(url)
            elif url.startswith("/"):
                problems.append(f"{p}: root-absolute link {url}")
                continue
            target = os.path.normpath(os.path.join(base, urllib.parse.unquote(u.path))) if u.path else p
            if os.path.isdir(target):
                problems.append(f"{p}: link to a folder {url}")
                continue
            if not os.path.isfile(target):
                problems.append(f"{p}: broken link {url}")
                continue
            if u.fragment and target.endswith(".html"):
                ids = pages[target].ids if target in pages else set()
                if u.fragment not in ids:
                    problems.append(f"{p}: missing anchor {url}")
    for line in problems:
        print(line)
    print(f"checked {sum(len(c.links) for c in pages.values())} links in {len(pages)} pages")
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
