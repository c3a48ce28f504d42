/**
 * Command modules written against chain-api alone, as a third party would publish them. Each
 * acts through a host service when the peer provides one and degrades to a clear, logged
 * headless path when it does not.
 */
package org.classchain.mods;
