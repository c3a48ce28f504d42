/**
 * The real host services the example modules fall back on when the peer provides none: a
 * Swing desktop, the JDK's process table and a plain folder inbox ({@code InboxDelivery} puts a file
 * into it whole or not at all). A peer may register them too.
 */
package org.classchain.mods.host;
