#!/usr/bin/env bash
# Builds the classchain Debian package from the launcher jar: a dpkg-deb layout that depends on a
# Java 17 runtime (see README "Install on a school's computers" for why not jpackage).
# Usage: packaging/deb/build.sh [JAR] [OUT-DIR]   (defaults: samples/target/classchain.jar, samples/target)
# Prints the path of the .deb it wrote.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jar="${1:-$repo/samples/target/classchain.jar}"
out="${2:-$repo/samples/target}"
[ -f "$jar" ] || { echo "build.sh: no $jar: run 'mvn -DskipTests package' first" >&2; exit 2; }
# 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT (a snapshot sorts before its release in Debian's order)
version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$repo/pom.xml" | head -1 | tr - '~')"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -a "$here/root/." "$stage/"
install -D -m 0644 "$jar" "$stage/usr/share/classchain/classchain.jar"
install -D -m 0644 "$repo/README.md" "$stage/usr/share/doc/classchain/README.md"
mkdir -p "$stage/DEBIAN"
cp "$here/DEBIAN/postinst" "$here/DEBIAN/prerm" "$here/DEBIAN/postrm" "$here/DEBIAN/conffiles" "$stage/DEBIAN/"
size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/DEBIAN/control.in" > "$stage/DEBIAN/control"
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm" "$stage/usr/bin/classchain"
find "$stage" -type d -exec chmod 0755 {} +
mkdir -p "$out"
deb="$out/classchain_${version}_all.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
