/**
 * Command dispatch on a peer: finding command modules (class path and {@code mods/*.jar}),
 * deciding per command whether and how it runs, running it contained by a timeout, and
 * signing the receipt. Each command runs at most once per peer, by way of an
 * {@link org.classchain.core.dispatch.ExecutionLog}.
 */
package org.classchain.core.dispatch;
