# Stand-in for nginx:stable: Debian's nginx on the debootstrap base with the official image's
# nginx.conf (the http block includes /etc/nginx/conf.d/*.conf, nothing else set) and its
# templates (/etc/nginx/templates/*.template through envsubst, nginx-entrypoint.sh), in the
# foreground, its logs on the container's standard output and error.
ARG BASE
FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx gettext-base \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* /var/www/html \
 && ln -sf /dev/stderr /var/log/nginx/error.log \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && mkdir -p /etc/nginx/conf.d
COPY nginx.conf /etc/nginx/nginx.conf
COPY nginx-entrypoint.sh /docker-entrypoint.sh
ENTRYPOINT ["/docker-entrypoint.sh"]
EXPOSE 80 443
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
