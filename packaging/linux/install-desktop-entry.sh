#!/bin/sh
# Add BitTTS Desktop to your application menu (for you only; no root needed):
#   ./install-desktop-entry.sh            install the menu entry and icon for this folder
#   ./install-desktop-entry.sh --remove   remove them
# Keep this folder where it is: the menu entry points to the BitTTS program inside it.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
ENTRY="$DATA/applications/bittts-desktop.desktop"
ICON="$DATA/icons/hicolor/256x256/apps/bittts-desktop.png"
if [ "${1:-}" = "--remove" ]; then
  rm -f "$ENTRY" "$ICON"
  echo "removed $ENTRY and $ICON"
else
  mkdir -p "$(dirname "$ENTRY")" "$(dirname "$ICON")"
  cp "$HERE/bittts.png" "$ICON"
  sed -e "s|^Exec=BitTTS|Exec=\"$HERE/BitTTS\"|" -e "s|^TryExec=BitTTS|TryExec=$HERE/BitTTS|" \
    "$HERE/bittts-desktop.desktop" > "$ENTRY"
  chmod 644 "$ENTRY"
  echo "installed $ENTRY (runs $HERE/BitTTS)"
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true
