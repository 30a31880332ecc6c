#!/usr/bin/env bash
# Train the default DCGAN and the conditional DCGAN at full size and ship their generators in data/pretrained/.
# Uses all 60,000 digits when data/mnist.npz (or Keras' cache) is there, else the embedded 5,000;
# PRETRAIN_SOURCE=path/to/mnist.npz picks a file, PRETRAIN_SECONDS the budget per model.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${PRETRAIN_SECONDS:-900}
SOURCE=${PRETRAIN_SOURCE:-auto}
stamp=$(date +%Y%m%d-%H%M%S)
for model in dcgan cdcgan; do
  run=runs/pretrained-$model-$stamp
  .venv/bin/python -m gan_utils train --model "$model" --seconds "$SECONDS_EACH" --samples 10000 --source "$SOURCE" --out "$run"
  .venv/bin/python -m gan_utils export --run "$run" --name "$model"
done
ls -la data/pretrained/
