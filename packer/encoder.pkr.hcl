# The Encoder AMI: Debian 12 with FFmpeg, the encoder binary (Native AOT), its systemd unit and the hard-stop timer.
#   dotnet publish Encoder.Worker -c Release -o out        # from the repository's root
#   packer build packer/encoder.pkr.hcl                     # Packer 1.6.6 (Debian's), Amazon builder built in
#   packer init packer/ && packer build packer/             # Packer >= 1.7: plugins.pkr.hcl pins the Amazon plugin
# The arm64 AMI (Graviton: t4g, c6g; encoder launch --ami-arm64), beside the x86-64 one:
#   dotnet publish Encoder.Worker -c Release -r linux-arm64 -o out-arm64
#   packer build -var arch=arm64 packer/encoder.pkr.hcl
# Credentials come from the usual AWS sources (environment, profile, instance role).

variable "region" {
  type        = string
  default     = "eu-west-1"
  description = "The region the AMI is built in (copy it elsewhere with ami_regions)."
}

variable "ami_regions" {
  type        = list(string)
  default     = []
  description = "Other regions to copy the finished AMI to."
}

variable "arch" {
  type        = string
  default     = "x86_64"
  description = "The AMI's architecture, as EC2 names it: x86_64, or arm64 (Graviton)."
}

variable "instance_type" {
  type        = string
  default     = ""
  description = "The instance that builds the AMI (not the class's: encoder launch picks that). Empty: c5.large for x86_64, c6g.large for arm64."
}

variable "base_ami_name" {
  type        = string
  default     = ""
  description = "Name filter for the base image; the newest match is used. Empty: debian-12-amd64-* or debian-12-arm64-*, by arch."
}

variable "base_ami_owners" {
  type        = list(string)
  default     = ["136693071363"]
  description = "Accounts whose images may be the base (default: Debian's official cloud images)."
}

variable "ssh_username" {
  type        = string
  default     = "admin"
  description = "The base image's login user (Debian's images: admin)."
}

variable "binary" {
  type        = string
  default     = ""
  description = "The published encoder binary for arch. Empty: out/encoder for x86_64 (dotnet publish Encoder.Worker -c Release -o out), out-arm64/encoder for arm64 (... -r linux-arm64 -o out-arm64)."
}

variable "ami_name_prefix" {
  type    = string
  default = "encoder"
}

locals {
  timestamp = formatdate("YYYYMMDD-hhmmss", timestamp())
  arm64     = var.arch == "arm64"
  # Debian's names: amd64 and arm64. Anything but arm64 builds x86_64 (the default), so a typo cannot pick ARM.
  debian_arch   = local.arm64 ? "arm64" : "amd64"
  ec2_arch      = local.arm64 ? "arm64" : "x86_64"
  instance_type = var.instance_type != "" ? var.instance_type : (local.arm64 ? "c6g.large" : "c5.large")
  base_ami_name = var.base_ami_name != "" ? var.base_ami_name : "debian-12-${local.debian_arch}-*"
  binary        = var.binary != "" ? var.binary : (local.arm64 ? "out-arm64/encoder" : "out/encoder")
  # The x86-64 AMI keeps its name; the arm64 one says what it is.
  ami_name = local.arm64 ? "${var.ami_name_prefix}-arm64-${local.timestamp}" : "${var.ami_name_prefix}-${local.timestamp}"
}

source "amazon-ebs" "encoder" {
  region        = var.region
  ami_regions   = var.ami_regions
  instance_type = local.instance_type
  ssh_username  = var.ssh_username
  ami_name      = local.ami_name

  source_ami_filter {
    filters = {
      name                = local.base_ami_name
      architecture        = local.ec2_arch
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = var.base_ami_owners
    most_recent = true
  }

  tags = {
    Name           = local.ami_name
    "encoder"      = "ami"
    "architecture" = local.ec2_arch
    "base-ami"     = "{{ .SourceAMIName }}"
  }
}

build {
  sources = ["source.amazon-ebs.encoder"]

  provisioner "shell" {
    inline = ["mkdir -p /tmp/encoder-image"]
  }

  provisioner "file" {
    source      = local.binary
    destination = "/tmp/encoder-image/encoder"
  }

  provisioner "file" {
    source      = "cloud-init/"
    destination = "/tmp/encoder-image"
  }

  provisioner "file" {
    source      = "README.md"
    destination = "/tmp/encoder-image/README.md"
  }

  # The docs by reader (operations, configuration, security …), which README, `encoder --help` and the units point at.
  provisioner "file" {
    source      = "docs"
    destination = "/tmp/encoder-image"
  }

  provisioner "shell" {
    script          = "packer/provision.sh"
    execute_command = "chmod +x {{ .Path }}; sudo {{ .Vars }} {{ .Path }} /tmp/encoder-image"
  }
}
