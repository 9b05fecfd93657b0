# The Amazon plugin pin, for Packer >= 1.7 (`packer init packer/`, then `packer build packer/`).
# Debian's Packer 1.6.6 has the Amazon builder built in and rejects `required_plugins`, so it is given
# encoder.pkr.hcl alone (which needs nothing from this file): packer validate packer/encoder.pkr.hcl
packer {
  required_plugins {
    amazon = {
      version = ">= 1.3.0, < 2.0.0"
      source  = "github.com/hashicorp/amazon"
    }
  }
}
