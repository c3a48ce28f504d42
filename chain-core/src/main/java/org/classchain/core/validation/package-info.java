/** The rules every received block must pass, whoever sent it, each rejection naming its rule. */
package org.classchain.core.validation;
