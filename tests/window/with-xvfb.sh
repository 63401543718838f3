#!/bin/sh
# Runs a window test binary under a fresh Xvfb server; without xvfb-run the tests see no DISPLAY and skip.
if command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$@"
fi
unset DISPLAY WAYLAND_DISPLAY
exec "$@"
