// The declaration in include/CFuzzer.h is all; libFuzzer itself comes with -sanitize=fuzzer.
