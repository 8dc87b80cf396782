/// Pipewright's version: the one place it is written (`pipewright --version`).
let pipewrightVersion = "0.9.0"
