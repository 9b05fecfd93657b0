#!/usr/bin/env bash
# Runs as root on the AMI's build instance (packer/encoder.pkr.hcl), with the folder packer uploaded: the binary,
# the systemd units from cloud-init/ and README.md. Installs FFmpeg, the encoder user, the binary and the units.
# Usage: provision.sh DIR
set -euo pipefail

dir=${1:?usage: provision.sh DIR}
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
# util-linux: setpriv and setsid, through which the daemon starts FFmpeg, and mount/findmnt/blkid for the recordings'
# disk (e2fsprogs: mkfs.ext4). cloud-init: Debian's cloud images have it.
apt-get install -y -qq --no-install-recommends ffmpeg util-linux e2fsprogs cloud-init

if ! id encoder >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /var/lib/encoder --no-create-home --shell /usr/sbin/nologin encoder
fi

install -m 0755 -o root -g root "$dir/encoder" /usr/local/bin/encoder
install -d -m 0750 -o root -g encoder /etc/encoder
install -d -m 0750 -o encoder -g encoder /var/lib/encoder
install -D -m 0644 "$dir/README.md" /usr/share/doc/encoder/README.md
for unit in encoder.service encoder-hard-stop.timer encoder-hard-stop.service encoder-recording-disk.service; do
    install -m 0644 "$dir/$unit" "/etc/systemd/system/$unit"
done
# The relay's receive buffer: without it the kernel grants a 208 KiB buffer, not the 8 MiB the relay asks for.
install -m 0644 "$dir/encoder-sysctl.conf" /etc/sysctl.d/60-encoder.conf
for script in encoder-recording-disk encoder-poweroff-on-request; do
    install -D -m 0755 -o root -g root "$dir/$script" "/usr/local/lib/encoder/$script"
done

systemctl daemon-reload
# The hard stop is armed on every boot of this image (its 12 h uptime cap); the class's user-data adds the deadline.
systemctl enable encoder-hard-stop.timer
# The recordings' disk is set up on every boot: the instance store (if any) is blank after each stop and start.
systemctl enable encoder-recording-disk.service
# encoder.service stays disabled here: the class's user-data enables and starts it once its configuration is written.

# The binary runs on this image.
/usr/local/bin/encoder launch --help >/dev/null
ffmpeg -hide_banner -version | head -n 1

apt-get clean
rm -rf /var/lib/apt/lists/* "$dir"
cloud-init clean --logs
