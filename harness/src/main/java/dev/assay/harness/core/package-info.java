/**
 * The Java harness proper (harness/PROTOCOL.md), run inside the sandbox in the same JVM as the code it tests.
 *
 * <p>{@code dev.assay.harness.JavaHarness} defines this package at start-up as the named module
 * {@code dev.assay.harness.core} in a module layer of its own (the descriptor is built in code, so the classes ship in
 * the ordinary harness jar). The module exports and opens nothing: workspace code, in unnamed modules, cannot reflect
 * into it ({@code setAccessible} fails with {@code InaccessibleObjectException}), so the report channel's nonce
 * ({@link dev.assay.harness.core.Channel}, kept as two random shares) and the collected results are out of its reach
 * short of native code, {@code sun.misc.Unsafe} or a heap dump, which the JVM flags the executor passes take away.
 *
 * <p>Flow: {@link dev.assay.harness.core.Handshake} (read whole, buffers wiped, descriptor 0 closed), BEGIN,
 * {@link dev.assay.harness.core.Compilation} (javac in-process), classes loaded from memory by
 * {@link dev.assay.harness.core.WorkspaceLoader}, {@link dev.assay.harness.core.JUnitRun} (JUnit Platform Launcher,
 * Jupiter and Vintage), {@link dev.assay.harness.core.MainTests}, one REPORT, {@code Runtime.halt(0)}; a shutdown hook
 * writes the report when a test ends the JVM. Sealed assertions reach {@link dev.assay.harness.core.ProbeSink} through
 * {@code dev.assay.harness.Probe}, which accepts calls only from classes compiled from the request's test files.
 */
package dev.assay.harness.core;
