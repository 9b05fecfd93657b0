#!/usr/bin/env bash
# Runs as root on the AMI's build instance (packer/encoder.pkr.hcl), with the folder packer uploaded: the binary,
# the systemd units from cloud-init/ and README.md. Installs FFmpeg, the encoder and encoder-media users, the binary and
# the units, the IMDS firewall (root and encoder only) and /proc with hidepid=invisible (no other user reads FFmpeg's command line).
# Usage: provision.sh DIR
set -euo pipefail

dir=${1:?usage: provision.sh DIR}
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
# util-linux: setpriv and setsid, through which the daemon starts FFmpeg, and mount/findmnt/blkid for the recordings'
# disk (e2fsprogs: mkfs.ext4). cloud-init: Debian's cloud images have it. nftables: the IMDS firewall. python3
# reads the session id for the CloudWatch agent's configuration; curl fetches the agent.
apt-get install -y -qq --no-install-recommends ffmpeg util-linux e2fsprogs cloud-init nftables python3 curl ca-certificates

# The CloudWatch agent (Amazon's package): the daemon's EMF metrics and the logs leave the instance through it.
# encoder-cloudwatch-agent.service configures and starts it at boot, once the class's session id is known.
agent_deb=/tmp/amazon-cloudwatch-agent.deb
curl -fsSL --retry 3 -o "$agent_deb" "https://amazoncloudwatch-agent.s3.amazonaws.com/debian/$(dpkg --print-architecture)/latest/amazon-cloudwatch-agent.deb"
dpkg -i -E "$agent_deb"
rm -f "$agent_deb"

if ! id encoder >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /var/lib/encoder --no-create-home --shell /usr/sbin/nologin encoder
fi
# FFmpeg and ffprobe run as encoder-media (the daemon's media runner): the IMDS firewall, which lets only root and
# encoder through, refuses it. The daemon is in its group: it reads what FFmpeg writes in the recording folder, which it
# gives to that group (group-writable, sticky) while FFmpeg writes there, and shares the relay's sockets with it.
if ! id encoder-media >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin encoder-media
fi
usermod --append --groups encoder-media encoder

install -m 0755 -o root -g root "$dir/encoder" /usr/local/bin/encoder
install -d -m 0750 -o root -g encoder /etc/encoder
install -d -m 0750 -o encoder -g encoder /var/lib/encoder
install -D -m 0644 "$dir/README.md" /usr/share/doc/encoder/README.md
find "$dir/docs" -type f -name '*.md' -o -type f -name '*.json' | while read -r doc; do
    install -D -m 0644 "$doc" "/usr/share/doc/encoder/docs/${doc#"$dir/docs/"}"
done
install -D -m 0644 "$dir/amazon-cloudwatch-agent.json" /usr/local/share/encoder/amazon-cloudwatch-agent.json
for unit in encoder.service encoder-hard-stop.timer encoder-hard-stop.service encoder-recording-disk.service encoder-imds-firewall.service encoder-cloudwatch-agent.service; do
    install -m 0644 "$dir/$unit" "/etc/systemd/system/$unit"
done
for script in encoder-recording-disk encoder-poweroff-on-request encoder-cloudwatch-agent encoder-hard-stop-may-fire; do
    install -D -m 0755 -o root -g root "$dir/$script" "/usr/local/lib/encoder/$script"
done

# IMDS (the role's credentials, the user-data) for root and the encoder user only. The ruleset names the user, which
# exists by now: check it here, so a ruleset that would not load at boot fails the build instead.
install -m 0644 -o root -g root "$dir/encoder-imds.nft" /usr/local/lib/encoder/encoder-imds.nft
nft -c -f /usr/local/lib/encoder/encoder-imds.nft

# /proc with hidepid=invisible: only root and the encoder user see FFmpeg's command line. systemd-remount-fs applies
# the fstab line at every boot; remounting here checks that this kernel takes the options.
if ! grep -qE '^[^#]*[[:space:]]/proc[[:space:]]' /etc/fstab; then
    grep -v '^#' "$dir/encoder-proc.fstab" >>/etc/fstab
fi
grep -qE '^proc[[:space:]]+/proc[[:space:]]+proc[[:space:]]+[^[:space:]]*hidepid=invisible' /etc/fstab ||
    { echo "provision.sh: /etc/fstab already mounts /proc without hidepid=invisible" >&2; exit 1; }
findmnt --verify --tab-file /etc/fstab
mount -o remount,hidepid=invisible /proc

systemctl daemon-reload
# The hard stop is armed on every boot of this image (its 12 h uptime cap); the class's user-data adds the deadline.
systemctl enable encoder-hard-stop.timer
# The recordings' disk is set up on every boot: the instance store (if any) is blank after each stop and start.
systemctl enable encoder-recording-disk.service
# The IMDS firewall is loaded on every boot, before the network is up.
systemctl enable encoder-imds-firewall.service
# encoder.service stays disabled here: the class's user-data enables and starts it once its configuration is written.

# The agent runs only once a class configures it (encoder-cloudwatch-agent.service), not with its default configuration.
systemctl disable amazon-cloudwatch-agent.service 2>/dev/null || true

# The binary runs on this image.
/usr/local/bin/encoder launch --help >/dev/null
ffmpeg -hide_banner -version | head -n 1

apt-get clean
rm -rf /var/lib/apt/lists/* "$dir"
cloud-init clean --logs
