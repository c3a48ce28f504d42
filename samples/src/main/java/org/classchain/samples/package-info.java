/** The {@code classchain} launcher: {@code peer}, {@code send}, {@code status} and {@code demo}. */
package org.classchain.samples;
