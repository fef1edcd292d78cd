#!/bin/sh
# Builds the adapter offline against the upstream crate's shared, unmodified copy
# (see ../../../shared/upstream/README.md, which says how it was first built on these machines):
#   1. the crate's dependencies come from Debian unstable's packaged crates (librust-*-dev), fetched
#      with a private apt configuration and unpacked with dpkg-deb into .cache/ (nothing installed
#      system-wide; kept, so a second build fetches nothing);
#   2. a copy of the crate goes to .build/, its Cargo.toml without the `validator` dependency (Debian
#      has 0.21, the crate asks for 0.20 and never uses it); the shared copy is never edited;
#   3. cargo builds with a generated configuration: crates-io replaced by the unpacked Debian registry,
#      and the Cargo.toml's git source replaced by the copy.
# Environment: VMJOB_GUESTKIT_SRC (the crate's folder; default <repo>/../shared/upstream/guestkit-job-spec),
# VMJOB_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=${VMJOB_GUESTKIT_SRC:-$repo/../shared/upstream/guestkit-job-spec}
mirror=${VMJOB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The crate's dependencies and the adapter's, as Debian names them (validator left out, see above).
crates="librust-serde-dev librust-serde-json-dev librust-chrono-dev librust-thiserror-dev librust-ulid-dev
librust-anyhow-dev"

fail() {
    echo "build.sh: $*" >&2
    exit 1
}

[ -f "$src/Cargo.toml" ] && [ -f "$src/src/lib.rs" ] ||
    fail "the guestkit-job-spec crate's source is not at $src: set VMJOB_GUESTKIT_SRC to its folder"
if command -v cargo >/dev/null 2>&1; then
    cargo=cargo
elif [ -x "$HOME/.cargo/bin/cargo" ]; then
    cargo=$HOME/.cargo/bin/cargo
else
    fail "cargo is not on PATH nor in ~/.cargo/bin: install a Rust toolchain (implementations/install-toolchains)"
fi

# One build at a time (CI starts one in the background; a test or the gallery may start another):
# the next waits, then finds the work done.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$here/.build.lock"
    flock 9
fi

cache=$here/.cache
registry=$cache/root/usr/share/cargo/registry
if [ ! -f "$cache/root/.complete" ]; then
    command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
        fail "apt-get and dpkg-deb are needed to fetch Debian's packaged crates (a Debian machine)"
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -f "$keyring" ] || fail "$keyring is missing: apt-get install debian-archive-keyring"
    apt=$cache/apt
    mkdir -p "$apt/lists/partial" "$apt/cache" "$apt/etc/sources.list.d" "$apt/etc/preferences.d" "$cache/debs"
    : >"$apt/status"
    echo "deb [signed-by=$keyring] $mirror sid main" >"$apt/etc/sources.list"
    set -- -o "Dir::Etc::SourceList=$apt/etc/sources.list" -o "Dir::Etc::SourceParts=$apt/etc/sources.list.d" \
        -o "Dir::Etc::Preferences=$apt/etc/preferences" -o "Dir::Etc::PreferencesParts=$apt/etc/preferences.d" \
        -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status" -o "Dir::Cache=$apt/cache" \
        -o Debug::NoLocking=1 -o Acquire::Languages=none -o APT::Sandbox::User="$(id -un)"
    echo "build.sh: fetching the index of Debian unstable ($mirror)"
    apt-get "$@" -qq update || fail "apt-get update of Debian unstable at $mirror failed (network?)"
    # Every real librust-* package the roots depend on, recursively (virtual feature packages are
    # listed in <angle brackets> with their providers after them; the providers are kept).
    # shellcheck disable=SC2086
    packages=$(apt-cache "$@" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
        --no-replaces --no-enhances $crates | grep '^librust-' | sort -u)
    [ -n "$packages" ] || fail "no librust-* packages found in Debian unstable's index"
    echo "build.sh: downloading $(echo "$packages" | wc -l) Debian crate packages into .cache/debs"
    # shellcheck disable=SC2086
    (cd "$cache/debs" && apt-get "$@" -qq download $packages) || fail "apt-get download failed (network?)"
    rm -rf "$cache/root.partial"
    mkdir -p "$cache/root.partial"
    for deb in "$cache"/debs/*.deb; do
        dpkg-deb -x "$deb" "$cache/root.partial"
    done
    rm -rf "$cache/root"
    mv "$cache/root.partial" "$cache/root"
    : >"$cache/root/.complete"
fi

# The crate's copy, remade each time from the shared source (quick: a few files), as a directory source of
# its own that replaces the Cargo.toml's git source (a [patch] would still need the git repository).
build=$here/.build
vendor=$build/vendor/guestkit-job-spec
rm -rf "$build/vendor"
mkdir -p "$build/vendor"
cp -R "$src" "$vendor"
chmod -R u+w "$vendor"
sed -e '/^validator *=/d' "$src/Cargo.toml" >"$vendor/Cargo.toml"
echo '{"files":{},"package":null}' >"$vendor/.cargo-checksum.json"
rev=$(sed -n 's/^guestkit-job-spec = .*rev = "\([0-9a-f]*\)".*/\1/p' "$here/Cargo.toml")
cat >"$build/config.toml" <<EOF
[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "$registry"

[source.guestkit-upstream]
git = "https://github.com/hypersdk/guestkit"
rev = "$rev"
replace-with = "guestkit-copy"

[source.guestkit-copy]
directory = "$build/vendor"
EOF
# The git source can only be replaced once a lock file names it: seed one (cargo completes the rest).
cd "$here"
if [ ! -f Cargo.lock ]; then
    printf 'version = 3\n\n[[package]]\nname = "guestkit-job-spec"\nversion = "0.1.0"\nsource = "%s"\n' \
        "git+https://github.com/hypersdk/guestkit?rev=$rev#$rev" >Cargo.lock
fi
exec "$cargo" build --release --offline --quiet --config "$build/config.toml"
