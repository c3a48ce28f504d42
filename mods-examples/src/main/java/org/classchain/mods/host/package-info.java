/**
 * The real host services the example modules fall back on when the peer provides none: a
 * Swing desktop, the JDK's process table and a plain folder inbox. A peer may register them too.
 */
package org.classchain.mods.host;
