# Sourced by the other scripts: tool paths that a fresh shell may not have.
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export TRUNK_OFFLINE=true
export CHROMEDRIVER=/usr/bin/chromedriver
