#!/bin/sh
# Runs PostgreSQL (the command line after this script's name) under DCP. DCP stops an executable with SIGTERM, which
# PostgreSQL reads as "smart shutdown": wait until every client has left, which pooled clients never do. This turns
# SIGTERM into SIGINT ("fast shutdown": roll back open transactions and exit at once). PostgreSQL writes every log
# line to stderr, where the dashboard would show routine start-up lines as errors; each line names its own severity.
trap 'kill -INT "$server" 2>/dev/null' TERM INT
"$@" 2>&1 &
server=$!
while kill -0 "$server" 2>/dev/null; do wait "$server"; status=$?; done
exit "${status:-0}"
