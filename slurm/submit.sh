#!/bin/bash
# Runs a wijksim scenario on a Slurm cluster: an array of SHARDS jobs, each one shard of the
# draws, then a merge job that starts when all of them succeeded.
#
#   slurm/submit.sh SCENARIO DRAWS SHARDS WORK OUT [SEED]
#
# SEED defaults to the scenario's run.seed, as for `wijksim run`.
# SCENARIO, WORK (shard directories) and OUT must be on a file system every node sees.
# Extra sbatch options for both jobs (partition, account, time, CPUs per shard) go in
# SBATCH_OPTIONS, e.g. SBATCH_OPTIONS="--partition=short --cpus-per-task=4 --time=01:00:00".
# WIJKSIM is the binary (default: wijksim on PATH); CHARTS=no skips the merge's charts.
# Prints the two job ids; WAIT=yes returns only when the merge has finished.
set -euo pipefail
if [ $# -lt 5 ]; then
    sed -n '2,14p' "$0"
    exit 2
fi
scenario="$(realpath "$1")"; draws="$2"; shards="$3"; work="$(realpath -m "$4")"; out="$(realpath -m "$5")"
seed="${6:-}"
here="$(dirname "$(realpath "$0")")"
wijksim="$(realpath "$(command -v "${WIJKSIM:-wijksim}")")"
mkdir -p "$work" "$(dirname "$out")"
export WIJKSIM="$wijksim" SCENARIO="$scenario" DRAWS="$draws" SEED="$seed" SHARDS="$shards" \
    WORK="$work" OUT="$out" CHARTS="${CHARTS:-yes}"
# shellcheck disable=SC2086
array=$(sbatch --parsable --export=ALL --array="1-$shards" --chdir="$work" \
    ${SBATCH_OPTIONS:-} "$here/wijksim-shard.sbatch")
array="${array%%;*}"
wait_flag=()
if [ "${WAIT:-no}" = "yes" ]; then wait_flag=(--wait); fi
# shellcheck disable=SC2086
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --chdir="$work" ${SBATCH_OPTIONS:-} "${wait_flag[@]}" "$here/wijksim-merge.sbatch")
echo "shards: job $array (array 1-$shards); merge: job ${merge%%;*} -> $out"
