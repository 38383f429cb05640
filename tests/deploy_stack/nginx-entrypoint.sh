#!/bin/sh
# Entrypoint of the nginx:stable stand-in (nginx.Dockerfile), after the official image's
# docker-entrypoint.sh and 20-envsubst-on-templates.sh: before nginx starts, every
# /etc/nginx/templates/*.template becomes /etc/nginx/conf.d/<name without .template>, with the
# ${VARIABLES} of the container's environment substituted (only the names matching the
# NGINX_ENVSUBST_FILTER regular expression, when it is set; nginx's own $variables, which are
# not in the environment, are left alone).
set -eu
if [ "${1:-}" = "nginx" ] || [ "${1:-}" = "nginx-debug" ]; then
  templates="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
  suffix="${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
  output="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
  filter="${NGINX_ENVSUBST_FILTER:-}"
  if [ -d "$templates" ]; then
    # shellcheck disable=SC2016
    defined=$(printf '${%s} ' $(awk "END { for (name in ENVIRON) { print ( name ~ /${filter}/ ) ? name : \"\" } }" < /dev/null))
    find "$templates" -follow -type f -name "*$suffix" -print | while read -r template; do
      relative="${template#"$templates/"}"
      target="$output/${relative%"$suffix"}"
      mkdir -p "$(dirname "$target")"
      echo "$0: envsubst on $template to $target"
      envsubst "$defined" < "$template" > "$target"
    done
  fi
fi
exec "$@"
