#!/bin/bash
# The photographs of the robustness study (photohash/README.md): the Debian set of
# /work/shared/tools/fetch-photos.sh (or $FETCH_PHOTOS) plus the photographs among the
# wallpapers of four Debian packages, into OUTDIR/wallpapers/<package>/. Licences are listed in
# OUTDIR/SOURCES.tsv. Nothing is committed: the study reads OUTDIR (go test -photos OUTDIR).
# Usage: fetch-study-photos.sh OUTDIR   (needs apt-get; run `apt-get update` once first)
set -euo pipefail
out=${1:?usage: fetch-study-photos.sh OUTDIR}
bash "${FETCH_PHOTOS:-/work/shared/tools/fetch-photos.sh}" "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
# Each package's Debian copyright file (its licences per file) is copied beside its photos.
pkgs="mate-backgrounds ukui-wallpapers lomiri-wallpapers lomiri-wallpapers-16.04 lomiri-wallpapers-20.04"
# The photographs (the packages also hold drawings, renders and patterns, left out).
photos='Bridge_by_Sander_Klootwijk.jpg Dragonfly_by_Bolly.jpg Infinite-Sea_by_Aury88.jpg
Kleiber_by_Lukas_Baubkus.jpg Picture_0B_by_freespace.jpg Picture_1A_by_freespace.jpg
Wine_by_Jakkub_Mede.jpg aitzgorri_by_Aitzol_Berasategi.jpg free_by_Peter_Nerlich.jpg
friends_by_Aitzol_Berasategi.jpg greentock_by_Peter_Nerlich.jpg life_by_Aitzol_Berasategi.jpg
picosdeeuropa_by_Aitzol_Berasategi.jpg seeding_by_Clements_Engelhardt.jpg
sunset_by_Aitzol_Berasategi.jpg Aqua.jpg Blinds.jpg Dune.jpg FreshFlower.jpg Garden.jpg
GreenMeadow.jpg LadyBird.jpg RainDrops.jpg Storm.jpg TwoWings.jpg Wood.jpg YellowFlower.jpg'
for pkg in $pkgs; do
  apt-get download "$pkg" >/dev/null 2>&1 || { echo "could not download $pkg (run apt-get update?)" >&2; continue; }
  deb=$(ls ${pkg}_*.deb | head -1); ver=$(dpkg-deb -f "$deb" Version)
  mkdir -p "x-$pkg"; dpkg -x "$deb" "x-$pkg"
  for name in $photos; do
    find "x-$pkg" -type f -name "$name" | while read -r f; do
      mkdir -p "$out/wallpapers/$pkg"
      cp "$f" "$out/wallpapers/$pkg/"
      cp "x-$pkg/usr/share/doc/$pkg/copyright" "$out/wallpapers/$pkg/copyright" 2>/dev/null || true
      printf 'wallpapers/%s/%s\t%s\t%s\t%s\n' "$pkg" "$name" "$pkg" "$ver" "see wallpapers/$pkg/copyright" >> "$out/SOURCES.tsv"
    done
  done
done
echo "$(($(wc -l < "$out/SOURCES.tsv") - 1)) photos in $out" >&2
