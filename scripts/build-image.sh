#!/usr/bin/env bash
# Builds the qonnect container image as an OCI tarball, without a Docker engine and without a container
# registry (this project's machines reach package registries only):
#   1. a base image assembled here: a jlinked Java runtime at /opt/java plus the shared libraries it and the
#      JNI libraries in the jar (RocksDB, Netty) link against, copied from this machine, and a non-root user;
#   2. Jib (`mvn -Pimage`) puts qonnect on top of it, layered: dependencies, then qonnect's own classes.
#   3. a smoke test unpacks the image and runs the CLI and the knowledge base inside it (chroot; needs root
#      or user namespaces; skipped with a warning when neither is available).
# Output: testbed-cli/target/qonnect-image.tar (OCI layout), image name ghcr.io/qonnect/qonnect:0.1.0 as in deploy/.
# Load it with `skopeo copy oci-archive:testbed-cli/target/qonnect-image.tar docker://REGISTRY/qonnect:0.1.0`,
# `podman load -i ...` or `ctr -n k8s.io images import ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh

work=testbed-cli/target/image-base
image=testbed-cli/target/qonnect-image.tar
# what `jdeps --print-module-deps` finds in qonnect.jar, plus what it cannot see: DNS for the JDK's resolver,
# elliptic-curve TLS to the Kubernetes API server, the zip file system
modules=java.base,java.compiler,java.desktop,java.naming,java.sql,jdk.jfr,jdk.management,jdk.unsupported,java.net.http,jdk.naming.dns,jdk.crypto.ec,jdk.zipfs

echo "build-image: qonnect.jar"
mvn -q -B -pl testbed-cli -am package -DskipTests

echo "build-image: base image (jlinked runtime from $JAVA_HOME)"
rm -rf "$work"
mkdir -p "$work/rootfs/etc" "$work/rootfs/tmp" "$work/rootfs/home/nonroot" "$work/native" "$work/archive"
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --output "$work/rootfs/opt/java"
unzip -q -o testbed-cli/target/qonnect.jar 'librocksdbjni-linux64.so' 'META-INF/native/*x86_64*.so' -d "$work/native"
# shared libraries of the runtime and the JNI libraries; AWT's X11 and sound libraries are never loaded headless
find "$work/rootfs/opt/java" "$work/native" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    | grep -v -e xawt -e jsound -e splashscreen -e jawt \
    | xargs ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/lib.*ld-linux/ {print $1}' \
    | grep -v "^$PWD" | sort -u | while read -r lib; do cp -L --parents "$lib" "$work/rootfs"; done
rm -rf "$work/native"
printf 'root:x:0:0::/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n' > "$work/rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$work/rootfs/etc/group"
printf 'hosts: files dns\n' > "$work/rootfs/etc/nsswitch.conf"
chmod 1777 "$work/rootfs/tmp"
chown 65532:65532 "$work/rootfs/home/nonroot" 2>/dev/null || true

# one layer, in the `docker save` layout Jib reads as a tar:// base image
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf "$work/archive/layer.tar" .
diff_id=$(sha256sum "$work/archive/layer.tar" | cut -d' ' -f1)
cat > "$work/archive/config.json" <<EOF
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","JDK_JAVA_OPTIONS=--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"],"User":"65532:65532","WorkingDir":"/home/nonroot"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"scripts/build-image.sh: jlinked Java runtime, its shared libraries, user nonroot"}]}
EOF
config_id=$(sha256sum "$work/archive/config.json" | cut -d' ' -f1)
mv "$work/archive/config.json" "$work/archive/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["qonnect-base:local"],"Layers":["layer.tar"]}]\n' "$config_id" > "$work/archive/manifest.json"
tar -C "$work/archive" -cf "$work/base.tar" manifest.json "$config_id.json" layer.tar
echo "build-image: base image $work/base.tar ($(du -h "$work/base.tar" | cut -f1))"

echo "build-image: Jib"
mvn -q -B -Pimage -pl testbed-cli -am package -DskipTests -Dqonnect.image.base="$PWD/$work/base.tar"
echo "build-image: $image ($(du -h "$image" | cut -f1))"

# smoke test: unpack the image's layers in order, run the CLI and the knowledge base (RocksDB) inside it, as the
# image's user, with its own /proc (the JVM's launcher finds its libraries through /proc/self/exe)
check=$work/check
rm -rf "$check" && mkdir -p "$check/root" "$check/oci"
tar -xf "$image" -C "$check/oci"
manifest=$(grep -o 'sha256:[0-9a-f]*' "$check/oci/index.json" | head -1 | cut -d: -f2)
for layer in $(sed 's/.*"layers"//' "$check/oci/blobs/sha256/$manifest" | grep -o 'sha256:[0-9a-f]*' | cut -d: -f2); do
  tar --warning=no-unknown-keyword -xzf "$check/oci/blobs/sha256/$layer" -C "$check/root"
done
mkdir -p "$check/root/proc" "$check/root/data" && chmod 777 "$check/root/data"
if [ "$(id -u)" = 0 ]; then as=(--userspec=65532:65532); userns=(); else as=(); userns=(-r); fi
if ! unshare "${userns[@]}" --mount --pid --fork true 2>/dev/null; then
  echo "build-image: smoke test skipped (chroot needs root or user namespaces)"; exit 0
fi
# unshare ignores SIGTERM while it waits, and chroot --userspec clears the parent-death signal: kill the whole tree
kill_tree() { local c; for c in $(pgrep -P "$1"); do kill_tree "$c"; done; kill -KILL "$1" 2>/dev/null || true; }
inside() {
  exec env -i PATH=/opt/java/bin "$(command -v unshare)" "${userns[@]}" --mount --pid --fork --mount-proc="$PWD/$check/root/proc" \
      "$(command -v chroot)" "${as[@]}" "$PWD/$check/root" java -cp @/app/jib-classpath-file "$@"
}
(inside io.qonnect.cli.QonnectMain --version) > "$check/out" 2>&1 || { echo "build-image: qonnect --version failed inside the image:"; cat "$check/out"; exit 1; }
echo "build-image: inside the image: $(grep -v '^NOTE' "$check/out" | head -1)"
inside io.qonnect.kb.KnowledgeBaseMain --listen 127.0.0.1:0 --data-dir /data --insecure > "$check/out" 2>&1 &
kb=$!
for _ in $(seq 1 120); do grep -q 'knowledge base serving' "$check/out" && break; sleep 0.5; done
kill_tree "$kb"; wait "$kb" 2>/dev/null || true
grep -q 'knowledge base serving' "$check/out" || { echo "build-image: the knowledge base did not start inside the image:"; cat "$check/out"; exit 1; }
echo "build-image: inside the image: $(grep -o 'knowledge base serving.*' "$check/out" | head -1)"
