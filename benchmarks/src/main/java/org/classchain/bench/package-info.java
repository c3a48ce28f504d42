/**
 * The benchmarks of DESIGN section 8: JMH microbenchmarks (mining, validation) and plain-Java
 * harnesses with main methods (click-to-executed, gossip simulation, catch-up, footprint), each
 * measured against a bare limit or reference taken in the same run. Not a library: run by
 * {@code benchmarks/run.sh}.
 */
package org.classchain.bench;
