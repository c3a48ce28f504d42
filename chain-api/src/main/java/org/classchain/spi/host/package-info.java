/**
 * Host services: what a peer offers its command modules (a desktop, an inbox folder, a process
 * table, a place for notices), looked up with {@link org.classchain.spi.ModuleContext#service(Class)}.
 * A module that finds none builds its own default or degrades; tests hand in fakes.
 */
package org.classchain.spi.host;
