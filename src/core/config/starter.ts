/** The starter `xlens.yaml` written by `xlens init` (and offered by the editor). It validates as is. */
export const STARTER_CONFIG = `# Experiment Lens tasks. Run one with \`xlens run <task>\`; list runs with \`xlens runs\`;
# see one with \`xlens show latest\`. Reference: the "xlens.yaml reference" section of the README.
version: 1
tasks:
  train:
    # Any shell command (run by /bin/sh from the workspace root). \${params.x} gives the param's
    # value as one argument (through the variable XLENS_PARAM_X, never as shell code); override
    # one for a single run with \`xlens run train --set lr=0.01\`.
    run: python train.py --epochs \${params.epochs} --lr \${params.lr}
    params: # an inline map, or a file: params.yaml (YAML or JSON)
      epochs: 10
      lr: 0.001
    # The script can append metric lines to the file named by $XLENS_METRICS_FILE:
    #   {"step": 1, "values": {"loss": 0.31, "val_accuracy": 0.88}}
    # data: [data/train.csv]   # inputs fingerprinted (sha256) with each run
    # outputs: [models/]       # recorded as artifacts after the run
    # timeout: 2h              # 90s, 30m, 2h, 1h30m
    # metrics:                 # other metric sources read with the run
    #   - stdout: '(?<name>loss|acc)=(?<value>[-+.\\deE]+)'
    #   - tensorboard: runs/

  # The built-in TensorFlow.js trainer needs no Python: a dense network on a CSV file.
  # train-tfjs:
  #   kind: tfjs-train
  #   data: data/train.csv
  #   target: label
  #   model: { layers: [{ dense: 32, activation: relu }, { dropout: 0.1 }] }
  #   epochs: 50
  #   batch_size: 32
  #   optimizer: { adam: { learning_rate: 0.01 } }
  #   validation_split: 0.2
  #   seed: 42
`;
