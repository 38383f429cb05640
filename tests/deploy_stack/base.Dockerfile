# The stand-ins' base (build-base.sh): the debootstrap tarball, imported, plus what the
# official Debian images add (apt keeps no package cache nor downloaded packages in an
# image) and the certificate authorities the test machine trusts beyond Debian's (its
# network inspects TLS: without them pip cannot reach PyPI from a build).
ARG PLAIN
FROM ${PLAIN}
RUN printf '%s\n' \
      'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
      'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
      'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' > /etc/apt/apt.conf.d/docker-clean \
 && echo 'Acquire::Languages "none";' > /etc/apt/apt.conf.d/docker-no-languages
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
