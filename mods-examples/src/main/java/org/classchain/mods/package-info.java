/**
 * Command modules written against chain-api alone, as a third party would publish them. Each
 * acts through the peer's host service ({@link org.classchain.spi.host}) when there is one, else
 * through a real default from {@link org.classchain.mods.host}, and on a machine without a
 * display takes a headless path that its receipt names.
 */
package org.classchain.mods;
