# Node 24 LTS for a machine whose node is older (Node 20 is end-of-life).
# Source it: `. scripts/node24.sh` puts Node 24 first on PATH in this shell,
# installing it once from the npm registry (the `node` package brings the
# binary) into ~/.cache/xiangmu. Does nothing where node is already 24+.
XIANGMU_NODE_VERSION=24.21.0
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 24 ]; then
  xiangmu_node_dir="${XDG_CACHE_HOME:-$HOME/.cache}/xiangmu/node-v$XIANGMU_NODE_VERSION"
  if [ ! -x "$xiangmu_node_dir/node_modules/.bin/node" ]; then
    echo "Installing Node $XIANGMU_NODE_VERSION from the npm registry into $xiangmu_node_dir" >&2
    mkdir -p "$xiangmu_node_dir"
    npm install --prefix "$xiangmu_node_dir" --no-audit --no-fund --loglevel=error \
      "node@$XIANGMU_NODE_VERSION" >&2
  fi
  PATH="$xiangmu_node_dir/node_modules/.bin:$PATH"
  export PATH
  hash -r 2>/dev/null || true
fi
