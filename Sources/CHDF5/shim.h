// Shim over libhdf5 for Swift: the type macros, file flags and H5T_VARIABLE do not import, so each is
// returned by a static inline function (see ../shared/TOOLCHAIN.md).
//
// The HDF5 macros below expand to `(H5open(), SOME_ID_g)` comma expressions or to casts Swift's
// importer rejects; the `_g` globals themselves are mutable C globals that Swift 6 refuses as not
// concurrency-safe. Each function returns the macro's value after the library is initialised.
#ifndef PIPEWRIGHT_CHDF5_SHIM_H
#define PIPEWRIGHT_CHDF5_SHIM_H
#include <hdf5.h>

// Default property list and error stack (import as Int32 otherwise).
static inline hid_t chdf5_P_DEFAULT(void) { return (hid_t)H5P_DEFAULT; }
static inline hid_t chdf5_E_DEFAULT(void) { return (hid_t)H5E_DEFAULT; }
static inline hid_t chdf5_S_ALL(void) { return (hid_t)H5S_ALL; }

// File access flags.
static inline unsigned chdf5_F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned chdf5_F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }

// Sizes.
static inline size_t chdf5_T_VARIABLE(void) { return H5T_VARIABLE; }
static inline hsize_t chdf5_S_UNLIMITED(void) { return H5S_UNLIMITED; }

// Predefined datatypes.
static inline hid_t chdf5_T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t chdf5_T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t chdf5_T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t chdf5_T_C_S1(void) { return H5T_C_S1; }

// Property list classes.
static inline hid_t chdf5_P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t chdf5_P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t chdf5_P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }

// Creation-order flags.
static inline unsigned chdf5_P_CRT_ORDER_TRACKED(void) { return H5P_CRT_ORDER_TRACKED; }
static inline unsigned chdf5_P_CRT_ORDER_INDEXED(void) { return H5P_CRT_ORDER_INDEXED; }

#endif
