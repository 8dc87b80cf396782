// Pipewright's Verilator harness: drives the top module of a generated design and records every channel
// transfer and every output token. The design's constants and its top class come from harness_design.h,
// which `pipewright rtl` / `verify` write beside this file; nothing else is generated.
//
// Command line: V<top> INPUTS RESULTS PATTERN MAX_CYCLES PERIOD_PS [WAVEFORM]
//   INPUTS   first line "<tokens> <elements> <outputs>..." (one count per output port), then one line per token of
//            raw decimal integers; the run ends when every output port made its count of transfers (an image in
//            io_stream: one per pixel).
//   RESULTS  written: "cycles <n>", "seconds <wall time of the cycle loop>", one line
//            "channel <k> <cycle> <cycle> ..." per channel (cycles of its transfers, in order), then one line
//            "output <port> <v0> <v1> ..." per output transfer (raw values, each sign-extended per its output
//            tensor's precision; a port with several outputs packs them side by side, first output lowest).
//   PATTERN  out_ready in cycle c is PATTERN[c % length] ('1' or '0').
//   WAVEFORM a VCD (built with --trace) or FST (built with --trace-fst) file to write.
// Reset is held for two cycles before cycle 0. Waveform time: cycle c of the run (reset cycles first) starts
// at (c + 2)·PERIOD_PS with clk low, and the rising edge is at half a period. The inputs of cycle c (in_valid,
// in_data, out_ready, and rst falling before cycle 0) are applied right after the rising edge that opens it,
// like a clocked testbench: every signal changes at a rising edge, as in the simulator's VCD.
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <verilated.h>
#include "harness_design.h"  // PW_TOP_HEADER, PwTop and the port constants
#include PW_TOP_HEADER
#if VM_TRACE_FST
#include <verilated_fst_c.h>
typedef VerilatedFstC PwTracer;
#elif VM_TRACE
#include <verilated_vcd_c.h>
typedef VerilatedVcdC PwTracer;
#endif

#ifdef VL_USER_FATAL
// Verilator's own vl_fatal flushes the traces before it aborts; when a trace write failed (a full disk) that
// flush waits forever on the trace's lock. Pipewright builds with -DVL_USER_FATAL, and this one says what
// failed (for a failed trace write with the system error, which `verify` turns into words) and ends at once.
void vl_fatal(const char* filename, int linenum, const char* hier, const char* msg) {
    const int error = errno;
    (void)hier;
    std::fflush(stdout);
    std::fprintf(stderr, "%%Error: %s:%d: %s\n", filename ? filename : "", linenum, msg ? msg : "");
    if (error != 0 && msg && std::strncmp(msg, "VerilatedVcd::", 14) == 0) std::fprintf(stderr, "harness errno %d\n", error);
    std::fflush(stderr);
    std::_Exit(3);
}
#endif

// Whole 32-bit words of a bus: in_data, out_data and the dbg_valid/dbg_ready bit per channel.
static const int IN_WORDS = (IN_ELEMENTS * IN_WIDTH + 31) / 32;
static const int OUT_WORDS = (OUT_BITS + 31) / 32;
static const int DBG_WORDS = (CHANNELS + 31) / 32;

static void put_bits(uint32_t* words, int lo, int width, uint64_t value) {
    for (int b = 0; b < width; ++b) {
        const int bit = lo + b;
        const uint32_t mask = 1u << (bit % 32);
        if ((value >> b) & 1u) words[bit / 32] |= mask; else words[bit / 32] &= ~mask;
    }
}

static uint64_t get_bits(const uint32_t* words, int lo, int width) {
    uint64_t value = 0;
    for (int b = 0; b < width; ++b) {
        const int bit = lo + b;
        if ((words[bit / 32] >> (bit % 32)) & 1u) value |= (uint64_t)1 << b;
    }
    return value;
}

// Verilator holds a port of up to 8/16/32/64 bits in CData/SData/IData/QData and a wider one in VlWide<N>.
static void set_port(CData& port, const uint32_t* words) { port = (CData)words[0]; }
static void set_port(SData& port, const uint32_t* words) { port = (SData)words[0]; }
static void set_port(IData& port, const uint32_t* words) { port = (IData)words[0]; }
static void set_port(QData& port, const uint32_t* words) { port = ((QData)words[1] << 32) | (QData)words[0]; }
template <std::size_t N> static void set_port(VlWide<N>& port, const uint32_t* words) {
    for (std::size_t k = 0; k < N; ++k) port.m_storage[k] = words[k];
}
static void get_port(CData port, uint32_t* words) { words[0] = port; }
static void get_port(SData port, uint32_t* words) { words[0] = port; }
static void get_port(IData port, uint32_t* words) { words[0] = port; }
static void get_port(QData port, uint32_t* words) { words[0] = (uint32_t)port; words[1] = (uint32_t)(port >> 32); }
template <std::size_t N> static void get_port(const VlWide<N>& port, uint32_t* words) {
    for (std::size_t k = 0; k < N; ++k) words[k] = port.m_storage[k];
}

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: %s INPUTS RESULTS PATTERN MAX_CYCLES PERIOD_PS [WAVEFORM]\n", argv[0]);
        return 2;
    }
    const std::string pattern = argv[3];
    const long max_cycles = std::atol(argv[4]);
    const uint64_t period = (uint64_t)std::atoll(argv[5]);
    if (pattern.empty()) { std::fprintf(stderr, "empty out_ready pattern\n"); return 2; }

    FILE* in = std::fopen(argv[1], "r");
    if (!in) { std::fprintf(stderr, "cannot open %s\n", argv[1]); return 2; }
    long tokens = 0, elements = 0, expected[OUT_PORTS];
    if (std::fscanf(in, "%ld %ld", &tokens, &elements) != 2 || elements != IN_ELEMENTS) {
        std::fprintf(stderr, "bad input header (expected %d elements)\n", IN_ELEMENTS);
        return 2;
    }
    for (int p = 0; p < OUT_PORTS; ++p) {
        if (std::fscanf(in, "%ld", &expected[p]) != 1) { std::fprintf(stderr, "bad input header (%d output counts)\n", OUT_PORTS); return 2; }
    }
    std::vector<uint32_t> vectors((size_t)tokens * IN_WORDS, 0);
    for (long t = 0; t < tokens; ++t) {
        for (int e = 0; e < IN_ELEMENTS; ++e) {
            long long value = 0;
            if (std::fscanf(in, "%lld", &value) != 1) { std::fprintf(stderr, "short input at token %ld\n", t); return 2; }
            put_bits(&vectors[(size_t)t * IN_WORDS], e * IN_WIDTH, IN_WIDTH, (uint64_t)value);
        }
    }
    std::fclose(in);

    VerilatedContext* context = new VerilatedContext;
    PwTop* top = new PwTop{context};
#if VM_TRACE
    PwTracer* tracer = nullptr;
    if (argc > 6) {
        context->traceEverOn(true);
        tracer = new PwTracer;
        top->trace(tracer, 99);
        tracer->open(argv[6]);
        if (!tracer->isOpen()) {
            const int error = errno;
            std::fprintf(stderr, "cannot write the waveform %s\n", argv[6]);
            if (error != 0) std::fprintf(stderr, "harness errno %d\n", error);
            return 2;
        }
    }
#define DUMP(t) do { if (tracer) tracer->dump(t); } while (0)
#else
#define DUMP(t) do { } while (0)
#endif

    uint64_t time = 0;
    std::vector<std::vector<long>> transfers(CHANNELS);
    uint32_t valid[DBG_WORDS], ready[DBG_WORDS], out_words[OUT_WORDS];
    std::vector<std::pair<int, std::vector<int64_t>>> outputs;
    long delivered[OUT_PORTS] = {0};
    auto finished = [&]() {
        for (int p = 0; p < OUT_PORTS; ++p) if (delivered[p] < expected[p]) return false;
        return true;
    };
    // One output port's transfer: its segments' raw values, sign-extended.
    auto record = [&](int port) {
        std::vector<int64_t> values;
        values.reserve(OUT_ELEMENTS);
        int lo = 0;
        for (int s = 0; s < OUT_SEGMENTS; ++s) {
            if (OUT_SEGMENT_PORT[s] != port) continue;
            const int width = OUT_SEGMENT_WIDTH[s];
            for (int e = 0; e < OUT_SEGMENT_ELEMENTS[s]; ++e, lo += width) {
                uint64_t raw = get_bits(out_words, lo, width);
                if (OUT_SEGMENT_SIGNED[s] && width < 64 && ((raw >> (width - 1)) & 1u)) raw |= ~(uint64_t)0 << width;
                values.push_back((int64_t)raw);
            }
        }
        outputs.emplace_back(port, values);
        ++delivered[port];
    };
    long next = 0, cycle = 0;
    // The inputs of cycle c, applied right after the rising edge that opens it.
    auto apply = [&](long c) {
        top->in_valid = next < tokens ? 1 : 0;
        if (next < tokens) set_port(top->in_data, &vectors[(size_t)next * IN_WORDS]);
        const int ready_bit = pattern[(size_t)(c % (long)pattern.size())] == '1' ? 1 : 0;
#define PW_SET_READY(k, prefix) top->prefix##_ready = ready_bit;
        PW_OUTPUT_PORTS(PW_SET_READY)
#undef PW_SET_READY
        top->eval();
    };
    top->clk = 0; top->rst = 1; top->in_valid = 0;
#define PW_CLEAR_READY(k, prefix) top->prefix##_ready = 0;
    PW_OUTPUT_PORTS(PW_CLEAR_READY)
#undef PW_CLEAR_READY
    for (int r = 0; r < 2; ++r) {
        top->clk = 0; top->eval(); DUMP(time);
        top->clk = 1; top->eval();
        if (r == 1) { top->rst = 0; apply(0); }
        DUMP(time + period / 2);
        time += period;
    }

    const auto start = std::chrono::steady_clock::now();
    for (; cycle < max_cycles && !finished(); ++cycle) {
        top->clk = 0;
        top->eval();
        DUMP(time);
        get_port(top->dbg_valid, valid);
        get_port(top->dbg_ready, ready);
        for (int k = 0; k < CHANNELS; ++k) {
            if (((valid[k / 32] & ready[k / 32]) >> (k % 32)) & 1u) {
                transfers[k].push_back(cycle);
                if (k == 0) ++next;
            }
        }
        // The design outputs: each port's own transfer (with several outputs on one port, the join of their channels).
#define PW_TAKE_OUTPUT(k, prefix) \
        if (top->prefix##_valid && top->prefix##_ready) { get_port(top->prefix##_data, out_words); record(k); }
        PW_OUTPUT_PORTS(PW_TAKE_OUTPUT)
#undef PW_TAKE_OUTPUT
        top->clk = 1;
        top->eval();
        if (cycle + 1 < max_cycles && !finished()) apply(cycle + 1);
        DUMP(time + period / 2);
        time += period;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    top->final();
#if VM_TRACE
    if (tracer) { tracer->dump(time); tracer->close(); delete tracer; }
#endif

    FILE* out = std::fopen(argv[2], "w");
    if (!out) { std::fprintf(stderr, "cannot write %s\n", argv[2]); return 2; }
    std::fprintf(out, "cycles %ld\nseconds %.9f\n", cycle, seconds);
    for (int k = 0; k < CHANNELS; ++k) {
        std::fprintf(out, "channel %d", k);
        for (long c : transfers[k]) std::fprintf(out, " %ld", c);
        std::fprintf(out, "\n");
    }
    for (const auto& entry : outputs) {
        std::fprintf(out, "output %d", entry.first);
        for (int64_t v : entry.second) std::fprintf(out, " %lld", (long long)v);
        std::fprintf(out, "\n");
    }
    if (std::fclose(out) != 0) { std::fprintf(stderr, "cannot write %s\n", argv[2]); return 2; }
    delete top;
    delete context;
    return 0;
}
