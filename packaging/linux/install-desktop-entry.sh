#!/bin/sh
# Add BitTTS Desktop to your application menu (for you only; no root needed):
#   ./install-desktop-entry.sh                      install the menu entry and icon for this folder; when
#                                                   Speech Dispatcher is installed, offer to register the
#                                                   BitTTS voice for Orca and spd-say too
#   ./install-desktop-entry.sh --speech-dispatcher  the same, registering the voice without asking
#   ./install-desktop-entry.sh --remove             remove them (and the voice, if it was registered)
# Keep this folder where it is: the menu entry and the voice point to programs inside it.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
ENTRY="$DATA/applications/bittts-desktop.desktop"
ICON="$DATA/icons/hicolor/256x256/apps/bittts-desktop.png"
SPEECHD_CONF="${XDG_CONFIG_HOME:-$HOME/.config}/speech-dispatcher/speechd.conf"
if [ "${1:-}" = "--remove" ]; then
  rm -f "$ENTRY" "$ICON"
  echo "removed $ENTRY and $ICON"
  if [ -f "$SPEECHD_CONF" ] && grep -q "^# BEGIN bittts" "$SPEECHD_CONF"; then
    "$HERE/BitTTS" system-voice uninstall-speechd
  fi
else
  mkdir -p "$(dirname "$ENTRY")" "$(dirname "$ICON")"
  cp "$HERE/bittts.png" "$ICON"
  sed -e "s|^Exec=BitTTS|Exec=\"$HERE/BitTTS\"|" -e "s|^TryExec=BitTTS|TryExec=$HERE/BitTTS|" \
    "$HERE/bittts-desktop.desktop" > "$ENTRY"
  chmod 644 "$ENTRY"
  echo "installed $ENTRY (runs $HERE/BitTTS)"
  register=no
  if [ "${1:-}" = "--speech-dispatcher" ]; then
    register=yes
  elif command -v speech-dispatcher >/dev/null 2>&1 && [ -t 0 ]; then
    printf "Register BitTTS as a Speech Dispatcher voice (for Orca and spd-say)? [y/N] "
    read -r answer || answer=""
    case "$answer" in y|Y|yes|Yes) register=yes ;; esac
  fi
  if [ "$register" = yes ]; then
    "$HERE/BitTTS" system-voice install-speechd --module "$HERE/sd_bittts"
  fi
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true
