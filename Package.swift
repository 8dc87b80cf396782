// swift-tools-version: 6.0
// Pipewright: cycle-level simulation of neural-network firmware for FPGA triggers,
// cross-checked against Verilator-built RTL of the same schedule.
import PackageDescription

let package = Package(
    name: "Pipewright",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pipewright", targets: ["pipewright"]),
        .library(name: "PipewrightKit", targets: [
            "FixedPoint", "NetworkIR", "Design", "Scheduling", "Simulation", "RTL", "CrossCheck", "Reports",
            "HDF5", "KerasImport", "Support", "Toolchain", "HLSReports",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Data path: Design → NetworkIR → Scheduling → Simulation / RTL → CrossCheck → Reports
        .target(name: "FixedPoint"),
        // Plain-words file errors, interruption clean-up (child process groups, partial files), progress lines.
        .target(name: "Support"),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .target(name: "HDF5", dependencies: ["CHDF5", "Support"]),
        .target(name: "KerasImport", dependencies: ["HDF5", "NetworkIR", "Scheduling", "Design", "FixedPoint", "RTL"]),
        .target(name: "NetworkIR", dependencies: ["FixedPoint"]),
        .target(name: "Scheduling", dependencies: ["NetworkIR", "FixedPoint"]),
        // Profiles/ is a copy of the repository's Profiles/ (the source of truth; DeviceProfileLoaderTests checks
        // that they are equal), shipped with the executable so that any folder has the default profile.
        .target(name: "Design", dependencies: ["NetworkIR", "Scheduling", "FixedPoint", "Support", "Yams"],
                resources: [.copy("Profiles")]),
        .target(name: "Simulation", dependencies: ["Scheduling", "NetworkIR", "FixedPoint"]),
        // Harness/harness.cpp is the Verilator harness, a C++ source embedded as text (only its constants header
        // is generated per design).
        .target(name: "RTL", dependencies: ["Scheduling", "NetworkIR", "FixedPoint", "Support"],
                resources: [.embedInCode("Harness/harness.cpp")]),
        .target(name: "Toolchain", dependencies: ["RTL", "Support"]),
        .target(name: "CrossCheck", dependencies: ["Simulation", "RTL", "Toolchain", "Scheduling", "NetworkIR", "Support"]),
        // Vivado/Vitis HLS C-synthesis reports (text and XML) read into values; no dependency on the data path.
        .target(name: "HLSReports"),
        .target(name: "Reports", dependencies: ["Simulation", "Scheduling", "NetworkIR", "CrossCheck", "Support", "HLSReports"]),
        .executableTarget(name: "pipewright", dependencies: [
            "Design", "KerasImport", "HDF5", "Scheduling", "Simulation", "RTL", "Toolchain", "CrossCheck", "Reports", "NetworkIR", "FixedPoint", "Support", "HLSReports",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "FixedPointTests", dependencies: ["FixedPoint"]),
        .testTarget(name: "NetworkIRTests", dependencies: ["NetworkIR", "FixedPoint"]),
        .testTarget(name: "DesignTests", dependencies: ["Design", "NetworkIR", "Scheduling", "FixedPoint"]),
        .testTarget(name: "SchedulingTests", dependencies: ["Scheduling", "NetworkIR", "Design", "FixedPoint"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Scheduling", "NetworkIR", "Design", "FixedPoint"]),
        .testTarget(name: "RTLTests", dependencies: ["RTL", "Toolchain", "Scheduling", "NetworkIR", "Design", "FixedPoint", "Support"], exclude: ["Golden"]),
        .testTarget(name: "CLITests", dependencies: ["pipewright", "HDF5", "Design", "NetworkIR", "Scheduling", "Support"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "CrossCheck"]),
        .testTarget(name: "HLSReportsTests", dependencies: ["HLSReports"]),
        .testTarget(name: "KerasImportTests", dependencies: [
            "KerasImport", "HDF5", "NetworkIR", "Design", "Scheduling", "FixedPoint", "RTL",
        ]),
        .testTarget(name: "CrossCheckTests", dependencies: [
            "CrossCheck", "Reports", "RTL", "Toolchain", "Simulation", "Scheduling", "NetworkIR", "Design", "FixedPoint", "HDF5",
        ]),
    ]
)
