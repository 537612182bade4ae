#!/usr/bin/env python3
"""tests/unit/gen_wordchars.py: writes core/rules/wordchars.h, the non-ASCII code points Python's re counts
as \\w (str.isalnum() or "_"), which ../shared/tools/score.py's word tokens are made of. Run it with the
Python that runs score.py when that Python's Unicode version changes:

    python3 tests/unit/gen_wordchars.py > core/rules/wordchars.h
"""
import sys, unicodedata


def ranges():
    out, start = [], None
    for c in range(0x80, 0x110000):
        w = chr(c).isalnum() or c == 0x5F
        if w and start is None:
            start = c
        elif not w and start is not None:
            out.append((start, c - 1))
            start = None
    if start is not None:
        out.append((start, 0x10FFFF))
    return out


def main():
    w = sys.stdout.write
    w("/* rules/wordchars.h: the code points above ASCII that Python's re counts as \\w (str.isalnum(), Unicode "
      f"{unicodedata.unidata_version}),\n"
      " * as sorted inclusive ranges, so that mw_shingle_f1 splits words exactly where ../shared/tools/score.py\n"
      " * does. Generated, not written by hand:\n"
      " *   python3 tests/unit/gen_wordchars.py > core/rules/wordchars.h\n"
      " * tests/unit/test_fixtures.c checks the result against score.py on the corpus pages. */\n"
      "#ifndef MW_WORDCHARS_H\n#define MW_WORDCHARS_H\n\n#include <stdint.h>\n\n"
      "static const uint32_t MW_WORD_RANGES[][2] = {\n")
    line = "   "
    for a, b in ranges():
        item = f" {{0x{a:X}, 0x{b:X}}},"
        if len(line) + len(item) > 112:
            w(line + "\n")
            line = "   "
        line += item
    w(line + "\n};\n\n#endif\n")


if __name__ == "__main__":
    main()
