# The Encoder AMI: Debian 12 with FFmpeg, the encoder binary (Native AOT), its systemd unit and the hard-stop timer.
#   dotnet publish Encoder.Worker -c Release -o out        # from the repository's root
#   packer build packer/encoder.pkr.hcl                     # Packer 1.6.6 (Debian's), Amazon builder built in
#   packer init packer/ && packer build packer/             # Packer >= 1.7: plugins.pkr.hcl pins the Amazon plugin
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

variable "instance_type" {
  type        = string
  default     = "c5.large"
  description = "The instance that builds the AMI (not the class's: encoder launch picks that)."
}

variable "base_ami_name" {
  type        = string
  default     = "debian-12-amd64-*"
  description = "Name filter for the base image; the newest match is used."
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
  default     = "out/encoder"
  description = "The published encoder binary (dotnet publish Encoder.Worker -c Release -o out)."
}

variable "ami_name_prefix" {
  type    = string
  default = "encoder"
}

locals {
  timestamp = formatdate("YYYYMMDD-hhmmss", timestamp())
}

source "amazon-ebs" "encoder" {
  region        = var.region
  ami_regions   = var.ami_regions
  instance_type = var.instance_type
  ssh_username  = var.ssh_username
  ami_name      = "${var.ami_name_prefix}-${local.timestamp}"

  source_ami_filter {
    filters = {
      name                = var.base_ami_name
      architecture        = "x86_64"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = var.base_ami_owners
    most_recent = true
  }

  tags = {
    Name       = "${var.ami_name_prefix}-${local.timestamp}"
    "encoder"  = "ami"
    "base-ami" = "{{ .SourceAMIName }}"
  }
}

build {
  sources = ["source.amazon-ebs.encoder"]

  provisioner "shell" {
    inline = ["mkdir -p /tmp/encoder-image"]
  }

  provisioner "file" {
    source      = var.binary
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

  provisioner "shell" {
    script          = "packer/provision.sh"
    execute_command = "chmod +x {{ .Path }}; sudo {{ .Vars }} {{ .Path }} /tmp/encoder-image"
  }
}
