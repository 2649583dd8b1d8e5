#!/bin/sh
# build-aux/embed.sh NAME <FILE >FILE.c: FILE as the C string NAME, so that
# a page (src/web/dashboard.html) is written as a page, not as C.
set -eu
printf '/* Made by build-aux/embed.sh; do not edit. */\nconst char %s[] =\n' "$1"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/'
printf ';\n'
