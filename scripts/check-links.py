#!/usr/bin/env python3
"""Every relative link and image in the project's Markdown points at a
file that exists and, with a #fragment, at a heading in it (GitHub's
anchor rule). Offline: web links are not followed."""
import glob
import os
import re
import sys

FILES = ['README.md'] + sorted(glob.glob('docs/*.md')) + ['tests/vm/README.md']
LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)\)')


def anchor(heading):
    heading = re.sub(r'[^\w\- ]', '', heading.strip().lower())
    return heading.replace(' ', '-')


def anchors(path):
    with open(path) as f:
        return {anchor(m.group(1)) for m in
                (re.match(r'#+\s+(.*)', line) for line in f) if m}


def main():
    checked = broken = 0
    for md in FILES:
        with open(md) as f:
            text = f.read()
        for m in LINK.finditer(text):
            target = m.group(1)
            if re.match(r'[a-z]+:', target):
                continue
            checked += 1
            path, _, frag = target.partition('#')
            full = os.path.normpath(os.path.join(os.path.dirname(md), path)) \
                if path else md
            if not os.path.exists(full):
                print(f'{md}: {target}: no such file')
                broken += 1
            elif frag and os.path.isfile(full) and frag not in anchors(full):
                print(f'{md}: {target}: no such heading')
                broken += 1
    print(f'{checked} relative links, {broken} broken')
    return 1 if broken else 0


if __name__ == '__main__':
    sys.exit(main())
