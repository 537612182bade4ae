/* tests/plugins/nosym.c: a shared object without the moonwire_plugin entry symbol. */
int not_a_plugin(void);
int not_a_plugin(void) { return 42; }
