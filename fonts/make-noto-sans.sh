#!/usr/bin/env bash
# Makes fonts/NotoSans-{Regular,Bold,Italic,BoldItalic}.ttf: the fallback
# font for names Atkinson Hyperlegible lacks (Vietnamese, the Hawaiian
# ʻokina, Latin Extended, Greek, Cyrillic). Needs Python with fontTools
# (`pip install fonttools`).
#
# Source: the PyPI wheel `fontpkg-noto-sans` 2.15 (Noto Sans 2.015, SIL Open
# Font License 1.1, copied to fonts/OFL-NotoSans.txt), which ships variable
# fonts. Each face is the static instance at wght 400 or 700, wdth 100, then
# subset to the Latin, Greek and Cyrillic blocks (with combining marks and
# general punctuation), without hinting: a PDF needs no hinting, and the
# four faces take 1.3 MB (2.6 MB whole; the two variable fonts, 4.4 MB). A subset is a Modified Version
# under the OFL; Noto Sans has no Reserved Font Name.
set -euo pipefail
export SOURCE_DATE_EPOCH=1580601600   # fontTools stamps head.modified with it: same bytes every run
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip download --no-deps --dest "$work" fontpkg-noto-sans==2.15 >/dev/null
unzip -q -o "$work"/fontpkg_noto_sans-2.15-py3-none-any.whl -d "$work"
src="$work/fontpkg_noto_sans/files"
unicodes="U+0000-036F,U+0370-03FF,U+0400-052F,U+1AB0-1AFF,U+1C80-1C8F,U+1DC0-1DFF,U+1E00-1EFF,U+1F00-1FFF"
unicodes+=",U+2000-206F,U+2070-209F,U+20A0-20CF,U+2100-218F,U+25CC,U+2C60-2C7F,U+2DE0-2DFF"
unicodes+=",U+A640-A69F,U+A720-A7FF,U+AB30-AB6F,U+FB00-FB06,U+FE20-FE2F"
# Every layout feature but `ccmp`, which splits precomposed letters (ị, ễ)
# into a base and marks: they look the same, but a PDF reader that ignores
# ActualText then copies each letter twice. Decomposed input still composes.
features="kern,mark,mkmk,dist,liga,locl,case,frac,numr,dnom,lnum,onum,pnum,tnum,sups,subs,sinf,ordn,zero,smcp,c2sc"
for spec in "NotoSans[wdth,wght].ttf 400 Regular" "NotoSans[wdth,wght].ttf 700 Bold" \
            "NotoSans-Italic[wdth,wght].ttf 400 Italic" "NotoSans-Italic[wdth,wght].ttf 700 BoldItalic"; do
  read -r file weight face <<<"$spec"
  fonttools varLib.instancer "$src/$file" "wght=$weight" wdth=100 --update-name-table \
    -o "$work/$face.ttf" 2>/dev/null
  pyftsubset "$work/$face.ttf" --unicodes="$unicodes" --layout-features="$features" --no-hinting \
    --output-file="NotoSans-$face.ttf"
done
cp "$work/fontpkg_noto_sans/LICENSE" OFL-NotoSans.txt
ls -l NotoSans-*.ttf
