#!/bin/sh
# Removes from the installed Python packages what the app never runs, so that the image stays
# under 600 MB (issue 19; it was 841 MB). Run by deploy/Dockerfile on the site-packages folder,
# before the bytecode is compiled; the Dockerfile's next step imports every module the app
# uses, so a removal that breaks the app fails the build, not a person's session.
#   - test suites, C headers and Cython sources shipped inside wheels;
#   - pyarrow's parts for remote storage, Flight RPC, ORC and its C++ tests (Streamlit sends
#     tables to the browser through pyarrow's core; the libraries its core links to stay);
#   - Babel's locale data except French, English and the root they inherit from
#     (assistant/core/i18n.py: BABEL_LOCALES);
#   - pydeck (maps: only in Streamlit's « hello » demo, never imported by the app) with its
#     Jupyter extension (the demo's folder stays: Streamlit's server looks it up at start);
#   - Pillow's AVIF codec, Streamlit's chunks for charts the app does not draw, holidays'
#     translations of holiday names, lxml's objectify.
set -eu
sp="$1"
cd "$sp"
find . -depth -type d \( -name tests -o -name include -o -name __pycache__ \) -exec rm -rf {} +
find . -type f \( -name '*.pyx' -o -name '*.pxd' -o -name '*.pxi' -o -name '*.h' -o -name '*.c' -o -name '*.cpp' \) -delete
rm -rf pyarrow/src
for part in _flight libarrow_flight libarrow_python_flight _s3fs libarrow_s3 _gcsfs _azurefs _hdfs \
            _substrait _orc _dataset_orc _pyarrow_cpp_tests; do
    rm -f pyarrow/"$part".*
done
# pyarrow's wheel holds each shared library three times (no symbolic links in wheels).
for lib in pyarrow/libarrow_python pyarrow/libarrow_python_parquet_encryption; do
    full=$(ls "$lib".so.*.*.* 2>/dev/null | head -n 1) || true
    [ -n "$full" ] || continue
    base=$(basename "$full")
    for copy in "$lib".so "$lib".so.[0-9]*; do
        [ "$copy" = "$full" ] || [ ! -e "$copy" ] || ln -sf "$base" "$copy"
    done
done
find babel/locale-data -name '*.dat' ! -name 'root.dat' ! -name 'fr.dat' ! -name 'fr_*.dat' \
     ! -name 'en.dat' ! -name 'en_*.dat' -delete
rm -rf pydeck pydeck-* ../../../share/jupyter share/jupyter
# Pillow's AVIF codec (5 MB): assistant/reading/sources.py opens only JPEG, PNG and HEIF, and
# Pillow carries on without the module. Streamlit's front-end chunks of the charts the app
# never draws (Plotly, deck.gl, ECharts, Graphviz; 10 MB): a page loads one only to draw one.
rm -f PIL/_avif.*.so pillow.libs/libavif-*.so*
for chart in PlotlyChart DeckGlJsonChart EChartsChart GraphVizChart; do
    rm -f streamlit/static/static/js/"$chart".*.js
done
# Holidays' names in other languages (5 MB): the app takes only French dates from it.
find holidays/locale -mindepth 1 -maxdepth 1 ! -name fr ! -name en_US ! -name en -exec rm -rf {} +
# lxml's objectify (3 MB): python-docx, docxtpl and openpyxl use lxml.etree only.
rm -f lxml/objectify.*.so
