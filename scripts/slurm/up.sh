#!/usr/bin/env bash
# Starts a single-node Slurm (munge + slurmctld + slurmd, Debian's packages) on this machine if it
# is not up: the cluster the Slurm array-job test of @hfq/dataset submits to (docs/scale-out.md).
# Idempotent. Needs root (it installs packages, writes /etc/slurm and starts daemons) and no
# systemd (the daemons are started directly). Exit 0 when `sinfo` shows a usable node; otherwise
# exit 1 with one line on stderr saying why.
#   HFQ_SLURM_NO_INSTALL=1  do not apt-get install missing packages (only start what is there)
set -u
say() { echo "slurm-up: $*" >&2; }
up() { sinfo -h -o %t 2>/dev/null | grep -qE 'idle|mix|alloc'; }

installed() { command -v sbatch >/dev/null 2>&1 && command -v slurmctld >/dev/null 2>&1 && [ -x /usr/sbin/munged ]; }

if ! installed; then
  [ "${HFQ_SLURM_NO_INSTALL:-}" = 1 ] && { say "Slurm is not installed (HFQ_SLURM_NO_INSTALL=1)"; exit 1; }
  [ "$(id -u)" = 0 ] || { say "Slurm is not installed and installing it needs root"; exit 1; }
  command -v apt-get >/dev/null 2>&1 || { say "Slurm is not installed and there is no apt-get"; exit 1; }
  pkgs="slurmd slurmctld slurm-client munge"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs >/dev/null 2>&1; } ||
    { say "apt-get install $pkgs failed (no network or no package source?)"; exit 1; }
fi
up && exit 0
[ "$(id -u)" = 0 ] || { say "Slurm is installed but not running, and starting it needs root"; exit 1; }

# munge: the authentication Slurm's daemons and clients share
mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
[ -f /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null
chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
chmod 400 /etc/munge/munge.key
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged || { say "munged did not start"; exit 1; }

# one node (this machine, all its CPUs), one default partition, no cgroups or accounting
h=$(hostname -s)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$h(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
NodeName=$h NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=2000 State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
pgrep -x slurmctld >/dev/null || slurmctld || { say "slurmctld did not start (see /var/log/slurm/slurmctld.log)"; exit 1; }
pgrep -x slurmd >/dev/null || slurmd || { say "slurmd did not start (see /var/log/slurm/slurmd.log)"; exit 1; }
for _ in $(seq 20); do up && exit 0; sleep 1; done
say "the node did not become idle within 20 s (see /var/log/slurm/)"
exit 1
