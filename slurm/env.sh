# shellcheck shell=sh
# Source me (sh or bash): exports SLURM_CONF and WSI_HPC_SLURM_DIR for slurm/start.sh's cluster.
# Reads $WSI_HPC_SLURM_DIR/env (default /tmp/wsi-hpc-slurm/env), which start.sh writes; before any
# start it exports the paths start.sh will use. Sets no shell options and never exits the caller.
#   . slurm/env.sh && sinfo
if [ -r "${WSI_HPC_SLURM_DIR:-/tmp/wsi-hpc-slurm}/env" ]; then
  . "${WSI_HPC_SLURM_DIR:-/tmp/wsi-hpc-slurm}/env"
else
  export WSI_HPC_SLURM_DIR="${WSI_HPC_SLURM_DIR:-/tmp/wsi-hpc-slurm}"
  export SLURM_CONF="$WSI_HPC_SLURM_DIR/etc/slurm.conf"
fi
