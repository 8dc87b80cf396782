// Module HDF5: the one Swift wrapper over libhdf5 (CHDF5).
//
// Owns: reading and writing HDF5 files (groups, numeric datasets, string and numeric attributes,
// appendable datasets) for the Keras importer and for tools that stream vectors.
// Must not touch: anything about networks or Keras semantics — callers interpret what they read.
//
// Every libhdf5 call lives in `HDF5File.swift` and its extensions; `HDF5Library.swift` serialises them through one
// global lock, silences HDF5's own error printing and turns failures into `HDF5Error`.
