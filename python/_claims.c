// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * numaclaims._claims: the CPython extension under the numaclaims package,
 * a thin layer over libclaims (libclaims(3)).  Every libclaims error
 * (-errno) becomes the exception numaclaims.errors.error_from() makes
 * (an OSError subclass with errno, strerror and the call's name); the
 * structures of the uapi header become dicts.  Python code adds the
 * conveniences (claim specs, sizes): numaclaims/__init__.py.
 *
 * Built by python/Makefile against libclaims: the repo's sources compiled
 * in (LIBCLAIMS=bundled, the default, one file to copy into a VM) or an
 * installed libclaims (LIBCLAIMS=pkg-config).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <claims.h>

static PyObject *error_from;	/* numaclaims.errors.error_from */
static PyObject *parse_error;	/* numaclaims.errors.ParseError */

/* Raise ParseError(message, errno) for a claims_parse_*() failure. */
static PyObject *raise_parse(int ret, const char *msg)
{
	PyObject *exc = PyObject_CallFunction(parse_error, "si", msg, -ret);

	if (exc) {
		PyErr_SetObject(parse_error, exc);
		Py_DECREF(exc);
	}
	return NULL;
}

/* Raise error_from(ret, op, why); returns NULL. @why: NULL or "" for none. */
static PyObject *raise_claims_why(int ret, const char *op, const char *why)
{
	PyObject *exc = why && *why ?
		PyObject_CallFunction(error_from, "iss", ret, op, why) :
		PyObject_CallFunction(error_from, "is", ret, op);

	if (exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
	return NULL;
}

/* Raise error_from(ret, op); returns NULL. */
static PyObject *raise_claims(int ret, const char *op)
{
	return raise_claims_why(ret, op, NULL);
}

typedef struct {
	PyObject_HEAD
	struct claims_handle *h;
} HandleObject;

static int handle_ok(HandleObject *self)
{
	if (!self->h) {
		PyErr_SetString(PyExc_ValueError, "the handle is closed");
		return 0;
	}
	return 1;
}

static int Handle_init(HandleObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "path", NULL };
	const char *path = NULL;
	int ret;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|z", kwlist, &path))
		return -1;
	if (self->h) {
		claims_close(self->h);
		self->h = NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	ret = claims_open_handle(path, &self->h);
	Py_END_ALLOW_THREADS
	if (ret < 0) {
		raise_claims(ret, "open");
		return -1;
	}
	return 0;
}

static void Handle_dealloc(HandleObject *self)
{
	if (self->h)
		claims_close(self->h);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Handle_close(HandleObject *self, PyObject *unused)
{
	if (self->h)
		claims_close(self->h);
	self->h = NULL;
	Py_RETURN_NONE;
}

static PyObject *Handle_fileno(HandleObject *self, PyObject *unused)
{
	if (!handle_ok(self))
		return NULL;
	return PyLong_FromLong(claims_fd(self->h));
}

static PyObject *Handle_api_version(HandleObject *self, PyObject *unused)
{
	int ret;

	if (!handle_ok(self))
		return NULL;
	ret = claims_api_version(self->h);
	if (ret < 0)
		return raise_claims(ret, "api_version");
	return PyLong_FromLong(ret);
}

static PyObject *Handle_domain_create(HandleObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "max_pages", "flags", NULL };
	unsigned long long max_pages;
	unsigned int flags = 0;
	uint32_t domid = 0;
	int ret;

	if (!handle_ok(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kw, "K|I", kwlist, &max_pages, &flags))
		return NULL;
	ret = claims_domain_create(self->h, max_pages, flags, &domid);
	if (ret < 0)
		return raise_claims(ret, "domain_create");
	return PyLong_FromUnsignedLong(domid);
}

/* The calls that take (domid) or (domid, u64) or (node, u64) and return 0. */
static PyObject *Handle_domain_destroy(HandleObject *self, PyObject *args)
{
	unsigned int domid;
	int ret;

	if (!handle_ok(self) || !PyArg_ParseTuple(args, "I", &domid))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = claims_domain_destroy(self->h, domid);
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return raise_claims(ret, "domain_destroy");
	Py_RETURN_NONE;
}

#define U32_U64_CALL(name, fn, op)						\
static PyObject *name(HandleObject *self, PyObject *args)			\
{										\
	unsigned int a;								\
	unsigned long long b;							\
	int ret;								\
										\
	if (!handle_ok(self) || !PyArg_ParseTuple(args, "IK", &a, &b))		\
		return NULL;							\
	ret = fn(self->h, a, b);						\
	if (ret < 0)								\
		return raise_claims(ret, op);					\
	Py_RETURN_NONE;								\
}
U32_U64_CALL(Handle_setmaxmem, claims_domain_setmaxmem, "domain_setmaxmem")
U32_U64_CALL(Handle_node_setaffinity, claims_domain_node_setaffinity, "domain_node_setaffinity")
U32_U64_CALL(Handle_claim_pages, claims_domain_claim_pages, "domain_claim_pages")
U32_U64_CALL(Handle_offline_pages, claims_offline_pages, "offline_pages")
U32_U64_CALL(Handle_online_pages, claims_online_pages, "online_pages")
U32_U64_CALL(Handle_pool_resize, claims_pool_resize, "pool_resize")

/* A claim set as a list of (target, pages) tuples, and back. */
static PyObject *set_to_list(const struct numaclaims_claim *set, uint32_t n)
{
	PyObject *l = PyList_New(n);
	uint32_t i;

	if (!l)
		return NULL;
	/* (target, pages); a superpage entry (API 4) is (node, pages, CLAIM_SUPERPAGES). */
	for (i = 0; i < n; i++) {
		PyObject *t = set[i].cmd ?
			Py_BuildValue("(IKI)", set[i].target,
				      (unsigned long long)set[i].pages, set[i].cmd) :
			Py_BuildValue("(IK)", set[i].target,
				      (unsigned long long)set[i].pages);
		if (!t) {
			Py_DECREF(l);
			return NULL;
		}
		PyList_SET_ITEM(l, i, t);
	}
	return l;
}

/*
 * A claim set from a sequence of (target, pages[, cmd]) into @set (room
 * for @max entries): 0 and *@nr, or -1 with an exception set (E2BIG as
 * @op's error).
 */
static int set_from_seq(PyObject *seq, struct numaclaims_claim *set,
			Py_ssize_t max, uint32_t *nr, const char *op)
{
	PyObject *fast;
	Py_ssize_t n, i;

	fast = PySequence_Fast(seq, "a claim set is a sequence of (target, pages[, cmd])");
	if (!fast)
		return -1;
	n = PySequence_Fast_GET_SIZE(fast);
	if (n > max) {
		Py_DECREF(fast);
		raise_claims(-E2BIG, op);
		return -1;
	}
	memset(set, 0, max * sizeof(*set));
	for (i = 0; i < n; i++) {
		unsigned int target, cmd = 0;
		unsigned long long pages;

		if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, i),
				      "IK|I;a claim is (target, pages) or (node, pages, CLAIM_SUPERPAGES)",
				      &target, &pages, &cmd)) {
			Py_DECREF(fast);
			return -1;
		}
		set[i].target = target;
		set[i].pages = pages;
		set[i].cmd = cmd;
	}
	Py_DECREF(fast);
	*nr = (uint32_t)n;
	return 0;
}

/* pool_resize_set([(node, pages), ...]): claims_pool_resize_set(). */
static PyObject *Handle_pool_resize_set(HandleObject *self, PyObject *args)
{
	struct numaclaims_claim set[NUMACLAIMS_MAX_NODES];
	uint64_t unrestored;
	uint32_t nr, failed;
	PyObject *seq;
	char why[160];
	int ret;

	if (!handle_ok(self) || !PyArg_ParseTuple(args, "O", &seq) ||
	    set_from_seq(seq, set, NUMACLAIMS_MAX_NODES, &nr, "pool_resize"))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = claims_pool_resize_set(self->h, set, nr, &failed, &unrestored);
	Py_END_ALLOW_THREADS
	if (!ret)
		Py_RETURN_NONE;
	snprintf(why, sizeof(why), "node %u%s",
		 failed < nr ? set[failed].target : 0,
		 unrestored ? " (and a node resized before could not be put back)" : "");
	return raise_claims_why(ret, "pool_resize", why);
}

static PyObject *Handle_claim_set(HandleObject *self, PyObject *args)
{
	struct numaclaims_claim set[CLAIMS_MAX_ENTRIES + 1];
	unsigned int domid;
	PyObject *seq;
	uint32_t nr, count;
	int ret;

	if (!handle_ok(self) || !PyArg_ParseTuple(args, "IO", &domid, &seq) ||
	    set_from_seq(seq, set, CLAIMS_MAX_ENTRIES + 1, &nr,
			 "domain_claim_memory"))
		return NULL;
	count = nr;
	ret = claims_domain_claim_memory(self->h, domid, NUMACLAIMS_CLAIM_SET, &nr, set);
	if (ret < 0) {
		/* Why, as claimctl says it: libclaims' diagnosis of the state now. */
		struct numaclaims_host_info hi;
		struct numaclaims_domain_info di;
		char why[512] = "";
		int have_hi = !claims_physinfo(self->h, &hi);
		int have_di = !claims_domain_getinfo(self->h, domid, &di);

		claims_claim_diagnose(-ret, set, count, have_hi ? &hi : NULL,
				      have_di ? &di : NULL, why, sizeof(why));
		return raise_claims_why(ret, "domain_claim_memory", why);
	}
	Py_RETURN_NONE;
}

static PyObject *Handle_claim_get(HandleObject *self, PyObject *args)
{
	struct numaclaims_claim set[CLAIMS_MAX_ENTRIES];
	uint32_t nr = CLAIMS_MAX_ENTRIES;
	unsigned int domid;
	int ret;

	if (!handle_ok(self) || !PyArg_ParseTuple(args, "I", &domid))
		return NULL;
	ret = claims_domain_claim_memory(self->h, domid, NUMACLAIMS_CLAIM_GET, &nr, set);
	if (ret < 0)
		return raise_claims(ret, "domain_claim_memory");
	return set_to_list(set, nr);
}

/* gfns from a sequence of ints; *nr set.  NULL with an exception. */
static uint64_t *gfns_from(PyObject *seq, uint64_t *nr)
{
	PyObject *fast = PySequence_Fast(seq, "gfns is a sequence of ints");
	uint64_t *gfns;
	Py_ssize_t n, i;

	if (!fast)
		return NULL;
	n = PySequence_Fast_GET_SIZE(fast);
	gfns = PyMem_Calloc(n ? n : 1, sizeof(*gfns));
	if (!gfns) {
		Py_DECREF(fast);
		PyErr_NoMemory();
		return NULL;
	}
	for (i = 0; i < n; i++) {
		gfns[i] = PyLong_AsUnsignedLongLong(PySequence_Fast_GET_ITEM(fast, i));
		if (PyErr_Occurred()) {
			PyMem_Free(gfns);
			Py_DECREF(fast);
			return NULL;
		}
	}
	Py_DECREF(fast);
	*nr = (uint64_t)n;
	return gfns;
}

/* Raise with the exception's nr_done set to @done. */
static PyObject *raise_done(int ret, const char *op, uint64_t done)
{
	PyObject *type, *value, *tb, *d;

	raise_claims(ret, op);
	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	d = PyLong_FromUnsignedLongLong(done);
	if (value && d)
		PyObject_SetAttrString(value, "nr_done", d);
	Py_XDECREF(d);
	PyErr_Restore(type, value, tb);
	return NULL;
}

static PyObject *Handle_populate(HandleObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "domid", "gfns", "order", "mem_flags", NULL };
	unsigned int domid, order = 0, flags = 0;
	uint64_t nr = 0, done = 0, *gfns;
	PyObject *seq;
	int ret;

	if (!handle_ok(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kw, "IO|II", kwlist, &domid, &seq, &order, &flags))
		return NULL;
	gfns = gfns_from(seq, &nr);
	if (!gfns)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = claims_domain_populate_physmap(self->h, domid, nr, order, flags, gfns, &done);
	Py_END_ALLOW_THREADS
	PyMem_Free(gfns);
	if (ret < 0)
		return raise_done(ret, "domain_populate_physmap", done);
	return PyLong_FromUnsignedLongLong(done);
}

static PyObject *Handle_decrease(HandleObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "domid", "gfns", "order", NULL };
	unsigned int domid, order = 0;
	uint64_t nr = 0, done = 0, *gfns;
	PyObject *seq;
	int ret;

	if (!handle_ok(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kw, "IO|I", kwlist, &domid, &seq, &order))
		return NULL;
	gfns = gfns_from(seq, &nr);
	if (!gfns)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = claims_domain_decrease_reservation(self->h, domid, nr, order, gfns, &done);
	Py_END_ALLOW_THREADS
	PyMem_Free(gfns);
	if (ret < 0)
		return raise_done(ret, "domain_decrease_reservation", done);
	return PyLong_FromUnsignedLongLong(done);
}

/* {node: value} of the non-zero entries of a per-node array. */
static PyObject *per_node(const __u64 *v, unsigned int n)
{
	PyObject *d = PyDict_New();
	unsigned int i;

	for (i = 0; d && i < n; i++) {
		PyObject *k, *x;

		if (!v[i])
			continue;
		k = PyLong_FromUnsignedLong(i);
		x = PyLong_FromUnsignedLongLong(v[i]);
		if (!k || !x || PyDict_SetItem(d, k, x)) {
			Py_XDECREF(k);
			Py_XDECREF(x);
			Py_DECREF(d);
			return NULL;
		}
		Py_DECREF(k);
		Py_DECREF(x);
	}
	return d;
}

/*
 * A domain as a dict; with XenServer 9's NUMA metrics (claims_domain_numa()
 * against the host's pool nodes @pools): numa_nodes, numa_optimised and
 * memory_numa_node {node: bytes} for the nodes it has memory on.
 */
static PyObject *info_dict(const struct numaclaims_domain_info *i, uint64_t pools)
{
	struct claims_domain_numa m;

	claims_domain_numa(i, pools, &m);
	return Py_BuildValue("{sI,sI,sK,sK,sK,sK,sK,sK,sN,sN,sN,sN,sI,sN,sN}",
		"domid", i->domid, "domain_flags", i->domain_flags,
		"max_pages", (unsigned long long)i->max_pages,
		"tot_pages", (unsigned long long)i->tot_pages,
		"outstanding_pages", (unsigned long long)i->outstanding_pages,
		"node_claims", (unsigned long long)i->node_claims,
		"uncounted_pages", (unsigned long long)i->uncounted_pages,
		"node_affinity", (unsigned long long)i->node_affinity,
		"claims", per_node(i->claims, NUMACLAIMS_MAX_NODES),
		"node_pages", per_node(i->node_pages, NUMACLAIMS_MAX_NODES),
		"superpage_claims", per_node(i->superpage_claims, NUMACLAIMS_MAX_NODES),
		"superpage_pages", per_node(i->superpage_pages, NUMACLAIMS_MAX_NODES),
		"numa_nodes", m.numa_nodes,
		"numa_optimised", PyBool_FromLong(m.numa_optimised),
		"memory_numa_node", per_node((const __u64 *)m.memory_numa_node, NUMACLAIMS_MAX_NODES));
}

/* The host's pool nodes for numa_optimised; 0 (unknown) if unreadable. */
static uint64_t host_pools(HandleObject *self)
{
	uint64_t mask = 0;

	if (claims_pool_nodes(self->h, &mask, NULL))
		mask = 0;
	return mask;
}

static PyObject *Handle_domain_info(HandleObject *self, PyObject *args)
{
	struct numaclaims_domain_info info;
	unsigned int domid;
	int ret;

	if (!handle_ok(self) || !PyArg_ParseTuple(args, "I", &domid))
		return NULL;
	ret = claims_domain_getinfo(self->h, domid, &info);
	if (ret < 0)
		return raise_claims(ret, "domain_getinfo");
	return info_dict(&info, host_pools(self));
}

static PyObject *Handle_domains(HandleObject *self, PyObject *unused)
{
	struct numaclaims_domain_info *doms;
	PyObject *l;
	uint64_t pools;
	size_t nr, i;
	int ret;

	if (!handle_ok(self))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = claims_domain_list(self->h, &doms, &nr);
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return raise_claims(ret, "domain_list");
	pools = host_pools(self);
	l = PyList_New(0);
	for (i = 0; l && i < nr; i++) {
		PyObject *d = info_dict(&doms[i], pools);

		if (!d || PyList_Append(l, d)) {
			Py_XDECREF(d);
			Py_CLEAR(l);
		} else {
			Py_DECREF(d);
		}
	}
	free(doms);
	return l;
}

static PyObject *Handle_host_info(HandleObject *self, PyObject *unused)
{
	struct numaclaims_host_info hi;
	PyObject *nodes, *d;
	unsigned int i;
	int ret;

	if (!handle_ok(self))
		return NULL;
	ret = claims_physinfo(self->h, &hi);
	if (ret < 0)
		return raise_claims(ret, "physinfo");
	if (!(nodes = PyDict_New()))
		return NULL;
	for (i = 0; i < hi.nr_nodes && i < NUMACLAIMS_MAX_NODES; i++) {
		const struct numaclaims_node_info *n = &hi.nodes[i];
		PyObject *k, *v;

		if (!n->has_pool)
			continue;
		const struct numaclaims_node_superpages *sp = &hi.superpages[i];

		k = PyLong_FromUnsignedLong(i);
		v = Py_BuildValue("{sK,sK,sK,sK,sK,sK,sK,s{sK,sK,sK,sK}}",
			"reserved_pages", (unsigned long long)n->reserved_pages,
			"avail_pages", (unsigned long long)n->avail_pages,
			"outstanding_claims", (unsigned long long)n->outstanding_claims,
			"offlined_pages", (unsigned long long)n->offlined_pages,
			"held_pages", (unsigned long long)hi.held_pages[i],
			"scrub_pages", (unsigned long long)hi.scrub_pages[i],
			"growable_pages", (unsigned long long)hi.growable_pages[i],
			"superpages",
			"reserved_pages", (unsigned long long)sp->reserved_pages,
			"free_pages", (unsigned long long)sp->free_pages,
			"outstanding_claims", (unsigned long long)sp->outstanding_claims,
			"held_pages", (unsigned long long)sp->held_pages);
		if (!k || !v || PyDict_SetItem(nodes, k, v)) {
			Py_XDECREF(k);
			Py_XDECREF(v);
			Py_DECREF(nodes);
			return NULL;
		}
		Py_DECREF(k);
		Py_DECREF(v);
	}
	d = Py_BuildValue("{sI,sI,sK,sK,sK,sK,sK,sN}", "nr_nodes", hi.nr_nodes,
		"nr_domains", hi.nr_domains,
		"total_avail_pages", (unsigned long long)hi.total_avail_pages,
		"outstanding_claims", (unsigned long long)hi.outstanding_claims,
		"total_held_pages", (unsigned long long)hi.total_held_pages,
		"total_scrub_pages", (unsigned long long)hi.total_scrub_pages,
		"total_growable_pages", (unsigned long long)hi.total_growable_pages,
		"nodes", nodes);
	return d;
}

static PyObject *Handle_pool_nodes(HandleObject *self, PyObject *unused)
{
	uint64_t mask = 0;
	uint32_t nr = 0;
	int ret;

	if (!handle_ok(self))
		return NULL;
	ret = claims_pool_nodes(self->h, &mask, &nr);
	if (ret < 0)
		return raise_claims(ret, "pool_nodes");
	return Py_BuildValue("(KI)", (unsigned long long)mask, nr);
}

/* The planner: a request from keywords, a plan as a dict. */
static char *plan_kwlist[] = { "pages", "cpu_node", "vcpus", "allowed_nodes",
			       "max_distance", "max_nodes", "flags",
			       "max_attempts", "policy", NULL };

static int parse_request(PyObject *args, PyObject *kw, const char *fmt,
			 unsigned int *domid, struct claims_plan_request *r)
{
	unsigned long long pages = 0, allowed = 0;
	int cpu_node = CLAIMS_PLAN_NO_NODE;
	unsigned int vcpus = 0, max_distance = 0, max_nodes = 0, flags = 0, attempts = 0;
	unsigned int policy = CLAIMS_PLAN_POLICY_CORES;
	static char *kwlist[11];
	int ok;

	memset(r, 0, sizeof(*r));
	if (domid) {
		kwlist[0] = "domid";
		memcpy(kwlist + 1, plan_kwlist, sizeof(plan_kwlist));
		ok = PyArg_ParseTupleAndKeywords(args, kw, fmt, kwlist, domid, &pages,
				&cpu_node, &vcpus, &allowed, &max_distance,
				&max_nodes, &flags, &attempts, &policy);
	} else {
		ok = PyArg_ParseTupleAndKeywords(args, kw, fmt, plan_kwlist, &pages,
				&cpu_node, &vcpus, &allowed, &max_distance,
				&max_nodes, &flags, &attempts, &policy);
	}
	if (!ok)
		return 0;
	r->pages = pages;
	r->cpu_node = cpu_node;
	r->vcpus = vcpus;
	r->allowed_nodes = allowed;
	r->max_distance = max_distance;
	r->max_nodes = max_nodes;
	r->flags = flags;
	r->max_attempts = attempts;
	r->policy = policy;
	return 1;
}

static PyObject *plan_dict(const struct claims_plan *p)
{
	return Py_BuildValue("{sI,sN,sK,sK,sK,sI,sI}", "kind", p->kind,
		"set", set_to_list(p->set, p->nr_entries),
		"nodemask", (unsigned long long)p->nodemask,
		"cpu_nodemask", (unsigned long long)p->cpu_nodemask,
		"host_pages", (unsigned long long)p->host_pages,
		"distance", p->distance, "attempts", p->attempts);
}

/* build_claim (@install: plan and install) or plan (plan only). */
static PyObject *handle_plan(HandleObject *self, PyObject *args, PyObject *kw,
			     int install)
{
	struct claims_plan_request r;
	struct claims_plan p;
	unsigned int domid;
	int ret;

	if (!handle_ok(self) || !parse_request(args, kw, "IK|iIKIIIII", &domid, &r))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = install ? claims_build_claim(self->h, domid, &r, &p) :
			claims_plan(self->h, domid, &r, &p);
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return raise_claims(ret, install ? "build_claim" : "plan");
	return plan_dict(&p);
}

/* {node: pages} of a domain dict into @out (nodes 0-63). */
static int node_map(PyObject *d, const char *key, __u64 *out)
{
	PyObject *m = PyDict_GetItemString(d, key), *k, *v;
	Py_ssize_t pos = 0;

	if (!m)
		return 1;		/* absent: none */
	if (!PyDict_Check(m)) {
		PyErr_Format(PyExc_TypeError, "'%s' must be a dict {node: pages}", key);
		return 0;
	}
	while (PyDict_Next(m, &pos, &k, &v)) {
		long n = PyLong_AsLong(k);
		unsigned long long x;

		if (n == -1 && PyErr_Occurred())
			return 0;
		if (n < 0 || n >= NUMACLAIMS_MAX_NODES) {
			PyErr_Format(PyExc_ValueError, "'%s': node %ld, nodes are 0 to 63", key, n);
			return 0;
		}
		x = PyLong_AsUnsignedLongLong(v);
		if (PyErr_Occurred())
			return 0;
		out[n] = x;
	}
	return 1;
}

static int u64_key(PyObject *d, const char *key, __u64 *out)
{
	PyObject *v = PyDict_GetItemString(d, key);

	if (!v)
		return 1;
	*out = PyLong_AsUnsignedLongLong(v);
	return !PyErr_Occurred();
}

/* A domain as domain_info() returns it (or a saved copy) into @di. */
static int info_from_dict(PyObject *d, struct numaclaims_domain_info *di)
{
	__u64 domid = 0;

	memset(di, 0, sizeof(*di));
	if (!PyDict_Check(d)) {
		PyErr_SetString(PyExc_TypeError, "a domain: a dict as domain_info() returns");
		return 0;
	}
	if (!u64_key(d, "domid", &domid) || !u64_key(d, "tot_pages", &di->tot_pages) ||
	    !u64_key(d, "outstanding_pages", &di->outstanding_pages) ||
	    !u64_key(d, "node_claims", &di->node_claims) ||
	    !u64_key(d, "uncounted_pages", &di->uncounted_pages) ||
	    !node_map(d, "claims", di->claims) || !node_map(d, "node_pages", di->node_pages) ||
	    !node_map(d, "superpage_claims", di->superpage_claims))
		return 0;
	di->domid = (uint32_t)domid;
	return 1;
}

/* like_plan(domain) or Handle.build_like(domid, domain | source domid) */
static PyObject *like_common(HandleObject *self, unsigned int domid, PyObject *src)
{
	struct numaclaims_domain_info di;
	struct claims_plan p;
	int ret;

	if (self && PyLong_Check(src)) {
		unsigned long id = PyLong_AsUnsignedLong(src);

		if (PyErr_Occurred())
			return NULL;
		ret = claims_domain_getinfo(self->h, (uint32_t)id, &di);
		if (ret < 0)
			return raise_claims(ret, "domain_getinfo");
	} else if (!info_from_dict(src, &di)) {
		return NULL;
	}
	/* As claimctl build --like: a superpage claim cannot be recreated yet. */
	for (ret = 0; ret < NUMACLAIMS_MAX_NODES; ret++)
		if (di.superpage_claims[ret]) {
			PyErr_Format(PyExc_ValueError,
				     "domain %u has a superpage claim on node %d, which a plan like it cannot recreate yet; claim it with a NODE:SIZE:2M spec",
				     di.domid, ret);
			return NULL;
		}
	if (self) {
		Py_BEGIN_ALLOW_THREADS
		ret = claims_build_like(self->h, domid, &di, &p);
		Py_END_ALLOW_THREADS
	} else {
		ret = claims_plan_like(&di, &p);
	}
	if (ret < 0)
		return raise_claims(ret, self ? "build_like" : "plan_like");
	return plan_dict(&p);
}

static PyObject *Handle_build_like(HandleObject *self, PyObject *args)
{
	unsigned int domid;
	PyObject *src;

	if (!handle_ok(self) || !PyArg_ParseTuple(args, "IO", &domid, &src))
		return NULL;
	return like_common(self, domid, src);
}

static PyObject *mod_plan_like(PyObject *mod, PyObject *args)
{
	PyObject *src;

	if (!PyArg_ParseTuple(args, "O", &src))
		return NULL;
	return like_common(NULL, 0, src);
}

static PyObject *Handle_build_claim(HandleObject *self, PyObject *args, PyObject *kw)
{
	return handle_plan(self, args, kw, 1);
}

static PyObject *Handle_plan(HandleObject *self, PyObject *args, PyObject *kw)
{
	return handle_plan(self, args, kw, 0);
}

/* Module level: the pure planner over a topology given as a dict. */
static int u64_seq(PyObject *v, uint64_t *out, unsigned int n)
{
	PyObject *fast = PySequence_Fast(v, "a list of ints");
	Py_ssize_t i, len;

	if (!fast)
		return 0;
	len = PySequence_Fast_GET_SIZE(fast);
	for (i = 0; i < len && i < n; i++) {
		out[i] = PyLong_AsUnsignedLongLong(PySequence_Fast_GET_ITEM(fast, i));
		if (PyErr_Occurred()) {
			Py_DECREF(fast);
			return 0;
		}
	}
	Py_DECREF(fast);
	return 1;
}

static int u64_list(PyObject *d, const char *key, uint64_t *out, unsigned int n, int need)
{
	PyObject *v = PyDict_GetItemString(d, key);

	if (!v) {
		if (need)
			PyErr_Format(PyExc_KeyError, "topology needs '%s'", key);
		return !need;
	}
	return u64_seq(v, out, n);
}

static PyObject *mod_plan_compute(PyObject *mod, PyObject *args, PyObject *kw)
{
	static struct claims_plan_topology t;	/* 17 KiB: not on the stack */
	struct claims_plan_request r;
	struct claims_plan p;
	PyObject *topo, *rest, *dist;
	uint64_t v[NUMACLAIMS_MAX_NODES], cv[NUMACLAIMS_MAX_NODES];
	uint32_t cores[NUMACLAIMS_MAX_NODES] = { 0 };
	unsigned int n, a, b;
	int ret, have_cores;

	if (PyTuple_GET_SIZE(args) < 1 || !PyDict_Check(PyTuple_GET_ITEM(args, 0))) {
		PyErr_SetString(PyExc_TypeError, "plan_compute(topology: dict, pages, ...)");
		return NULL;
	}
	topo = PyTuple_GET_ITEM(args, 0);
	if (!(rest = PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args))))
		return NULL;
	ret = parse_request(rest, kw, "K|iIKIIIII", NULL, &r);
	Py_DECREF(rest);
	if (!ret)
		return NULL;
	memset(&t, 0, sizeof(t));
	memset(v, 0, sizeof(v));
	memset(cv, 0, sizeof(cv));
	have_cores = PyDict_GetItemString(topo, "cores") != NULL;
	if (!u64_list(topo, "free_pages", t.free_pages, NUMACLAIMS_MAX_NODES, 1) ||
	    !u64_list(topo, "cpus", v, NUMACLAIMS_MAX_NODES, 0) ||
	    !u64_list(topo, "cores", cv, NUMACLAIMS_MAX_NODES, 0))
		return NULL;
	dist = PyDict_GetItemString(topo, "distance");
	if (!dist || !PySequence_Check(dist)) {
		PyErr_SetString(PyExc_KeyError, "topology needs 'distance', a list of rows");
		return NULL;
	}
	n = (unsigned int)PySequence_Size(dist);
	t.nr_nodes = n;
	for (a = 0; a < n && a < NUMACLAIMS_MAX_NODES; a++) {
		PyObject *row = PySequence_GetItem(dist, a);
		uint64_t rv[NUMACLAIMS_MAX_NODES] = { 0 };

		if (!row)
			return NULL;
		ret = u64_seq(row, rv, NUMACLAIMS_MAX_NODES);
		Py_DECREF(row);
		if (!ret)
			return NULL;
		for (b = 0; b < NUMACLAIMS_MAX_NODES; b++)
			t.distance[a][b] = (uint32_t)rv[b];
		t.cpus[a] = (uint32_t)v[a];
		cores[a] = cv[a] > UINT32_MAX ? UINT32_MAX : (uint32_t)cv[a];
	}
	for (a = 0; a < n && a < NUMACLAIMS_MAX_NODES; a++)
		if (t.free_pages[a])
			t.pool_nodes |= 1ULL << a;
	if (PyDict_GetItemString(topo, "pool_nodes")) {
		t.pool_nodes = PyLong_AsUnsignedLongLong(PyDict_GetItemString(topo, "pool_nodes"));
		if (PyErr_Occurred())
			return NULL;
	}
	if (PyDict_GetItemString(topo, "host_free_pages")) {
		t.host_free_pages = PyLong_AsUnsignedLongLong(PyDict_GetItemString(topo, "host_free_pages"));
		if (PyErr_Occurred())
			return NULL;
	} else {
		for (a = 0; a < NUMACLAIMS_MAX_NODES; a++)
			t.host_free_pages += t.free_pages[a];
	}
	ret = claims_plan_compute_cores(&t, have_cores ? cores : NULL, &r, &p);
	if (ret < 0)
		return raise_claims(ret, "plan_compute");
	return plan_dict(&p);
}

static PyObject *mod_node_cores(PyObject *mod, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "node", "sysfs_root", NULL };
	const char *root = NULL;
	int node, ret;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "i|z", kwlist, &node, &root))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = claims_node_cores(root, node);
	Py_END_ALLOW_THREADS
	if (ret < 0)
		return raise_claims(ret, "node_cores");
	return PyLong_FromLong(ret);
}

/* pool_capacity(node) -> pages, or None: claims_pool_capacity(). */
static PyObject *mod_pool_capacity(PyObject *mod, PyObject *args)
{
	unsigned int node;
	uint64_t pages;

	if (!PyArg_ParseTuple(args, "I", &node))
		return NULL;
	if (claims_pool_capacity(node, &pages))
		Py_RETURN_NONE;
	return PyLong_FromUnsignedLongLong(pages);
}

static PyObject *mod_parse_size(PyObject *mod, PyObject *args)
{
	char err[256] = "";
	const char *text;
	uint64_t pages;
	int ret;

	if (!PyArg_ParseTuple(args, "s", &text))
		return NULL;
	ret = claims_parse_size(text, &pages, err, sizeof(err));
	if (ret < 0)
		return raise_parse(ret, err);
	return PyLong_FromUnsignedLongLong(pages);
}

static PyObject *mod_parse_claims(PyObject *mod, PyObject *args)
{
	struct numaclaims_claim set[CLAIMS_MAX_ENTRIES];
	char err[256] = "";
	const char *text;
	uint32_t nr;
	int ret;

	if (!PyArg_ParseTuple(args, "s", &text))
		return NULL;
	ret = claims_parse_claims(text, set, CLAIMS_MAX_ENTRIES, &nr, err,
				  sizeof(err));
	if (ret < 0)
		return raise_parse(ret, err);
	return set_to_list(set, nr);
}

static PyObject *mod_strerror(PyObject *mod, PyObject *args)
{
	int err;

	if (!PyArg_ParseTuple(args, "i", &err))
		return NULL;
	return PyUnicode_FromString(claims_strerror(err));
}

static PyObject *mod_domain_path(PyObject *mod, PyObject *args)
{
	char buf[64];
	unsigned int domid;
	int ret;

	if (!PyArg_ParseTuple(args, "I", &domid))
		return NULL;
	ret = claims_domain_path(domid, buf, sizeof(buf));
	if (ret < 0)
		return raise_claims(ret, "domain_path");
	return PyUnicode_FromString(buf);
}

static PyObject *mod_domain_give(PyObject *mod, PyObject *args,
				 PyObject *kwds)
{
	static char *kwlist[] = { "domid", "uid", "gid", "mode", NULL };
	long long uid = -1, gid = -1, mode = -1;
	unsigned int domid;
	int ret;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "I|LLL", kwlist, &domid,
					 &uid, &gid, &mode))
		return NULL;
	if (uid < -1 || uid >= 0xffffffffLL || gid < -1 || gid >= 0xffffffffLL ||
	    mode < -1 || mode > 0777) {
		PyErr_SetString(PyExc_ValueError,
				"uid and gid: -1 (unchanged) or an id; mode: -1 (default) or 0 to 0o777");
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	ret = claims_domain_give(domid, (uid_t)uid, (gid_t)gid,
				 mode < 0 ? CLAIMS_GIVE_MODE_DEFAULT :
					    (unsigned int)mode);
	Py_END_ALLOW_THREADS
	if (ret)
		return raise_claims(ret, "domain_give");
	Py_RETURN_NONE;
}

static PyMethodDef Handle_methods[] = {
	{ "close", (PyCFunction)Handle_close, METH_NOARGS, "Close the handle (claims_close)." },
	{ "fileno", (PyCFunction)Handle_fileno, METH_NOARGS, "The device's file descriptor (claims_fd)." },
	{ "api_version", (PyCFunction)Handle_api_version, METH_NOARGS, "The module's API version." },
	{ "domain_create", (PyCFunction)(void (*)(void))Handle_domain_create, METH_VARARGS | METH_KEYWORDS,
	  "domain_create(max_pages, flags=0) -> domid" },
	{ "domain_destroy", (PyCFunction)Handle_domain_destroy, METH_VARARGS, "domain_destroy(domid)" },
	{ "setmaxmem", (PyCFunction)Handle_setmaxmem, METH_VARARGS, "setmaxmem(domid, max_pages)" },
	{ "node_setaffinity", (PyCFunction)Handle_node_setaffinity, METH_VARARGS, "node_setaffinity(domid, nodemask)" },
	{ "claim_pages", (PyCFunction)Handle_claim_pages, METH_VARARGS, "claim_pages(domid, pages): legacy claim" },
	{ "offline_pages", (PyCFunction)Handle_offline_pages, METH_VARARGS, "offline_pages(node, pages)" },
	{ "online_pages", (PyCFunction)Handle_online_pages, METH_VARARGS, "online_pages(node, pages)" },
	{ "pool_resize", (PyCFunction)Handle_pool_resize, METH_VARARGS,
	  "pool_resize(node, pages): make NODE's pool PAGES pages (all or nothing)" },
	{ "pool_resize_set", (PyCFunction)Handle_pool_resize_set, METH_VARARGS,
	  "pool_resize_set([(node, pages), ...]): claims_pool_resize_set(), all or nothing" },
	{ "claim_set", (PyCFunction)Handle_claim_set, METH_VARARGS,
	  "claim_set(domid, [(target, pages), ...]): install a claim set, atomically;\n"
	  "a superpage entry is (node, pages, CLAIM_SUPERPAGES)" },
	{ "claim_get", (PyCFunction)Handle_claim_get, METH_VARARGS,
	  "claim_get(domid) -> [(target, pages), ...], superpage entries (node, pages, CLAIM_SUPERPAGES)" },
	{ "populate", (PyCFunction)(void (*)(void))Handle_populate, METH_VARARGS | METH_KEYWORDS,
	  "populate(domid, gfns, order=0, mem_flags=0) -> extents done (the error has nr_done)" },
	{ "decrease", (PyCFunction)(void (*)(void))Handle_decrease, METH_VARARGS | METH_KEYWORDS,
	  "decrease(domid, gfns, order=0) -> extents done" },
	{ "domain_info", (PyCFunction)Handle_domain_info, METH_VARARGS, "domain_info(domid) -> dict" },
	{ "domains", (PyCFunction)Handle_domains, METH_NOARGS, "domains() -> [dict, ...]" },
	{ "host_info", (PyCFunction)Handle_host_info, METH_NOARGS, "host_info() -> dict" },
	{ "pool_nodes", (PyCFunction)Handle_pool_nodes, METH_NOARGS, "pool_nodes() -> (nodemask, nr_nodes)" },
	{ "build_claim", (PyCFunction)(void (*)(void))Handle_build_claim, METH_VARARGS | METH_KEYWORDS,
	  "build_claim(domid, pages, cpu_node=-1, vcpus=0, allowed_nodes=0, max_distance=0, max_nodes=0, flags=0, max_attempts=0, policy=PLAN_POLICY_CORES) -> plan" },
	{ "plan", (PyCFunction)(void (*)(void))Handle_plan, METH_VARARGS | METH_KEYWORDS,
	  "plan(domid, pages, ...) -> plan (installs nothing)" },
	{ "build_like", (PyCFunction)Handle_build_like, METH_VARARGS,
	  "build_like(domid, original) -> plan: claim exactly the memory of original\n"
	  "(a domain id of this host, or a dict as domain_info() returns) as one claim set" },
	{ NULL }
};

static PyTypeObject HandleType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "numaclaims._claims.Handle",
	.tp_basicsize = sizeof(HandleObject),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = "Handle(path=None): an open /dev/numaclaims (claims_open_handle).",
	.tp_new = PyType_GenericNew,
	.tp_init = (initproc)Handle_init,
	.tp_dealloc = (destructor)Handle_dealloc,
	.tp_methods = Handle_methods,
};

static PyMethodDef mod_methods[] = {
	{ "strerror", mod_strerror, METH_VARARGS, "strerror(err): claims_strerror()" },
	{ "pool_capacity", mod_pool_capacity, METH_VARARGS,
	  "pool_capacity(node) -> pages or None: claims_pool_capacity()" },
	{ "parse_size", mod_parse_size, METH_VARARGS,
	  "parse_size(text) -> pages: claims_parse_size() (ParseError if not a size)" },
	{ "parse_claims", mod_parse_claims, METH_VARARGS,
	  "parse_claims(text) -> [(target, pages), ...]: claims_parse_claims();\n"
	  "'0:4G:2M' gives the superpage entry (0, 1048576, CLAIM_SUPERPAGES)" },
	{ "domain_path", mod_domain_path, METH_VARARGS, "domain_path(domid) -> /dev/numaclaims-domN" },
	{ "domain_give", (PyCFunction)(void (*)(void))mod_domain_give, METH_VARARGS | METH_KEYWORDS,
	  "domain_give(domid, uid=-1, gid=-1, mode=-1): claims_domain_give(); -1: unchanged (mode: 0600, 0660 with a gid)" },
	{ "plan_compute", (PyCFunction)(void (*)(void))mod_plan_compute, METH_VARARGS | METH_KEYWORDS,
	  "plan_compute(topology, pages, ...) -> plan: the pure planner, no device.\n"
	  "topology: {'free_pages': [per node], 'distance': [[row], ...], 'cpus': [...],\n"
	  "           'cores': [physical cores per node] (default: every CPU a core),\n"
	  "           'pool_nodes': mask (default: nodes with free pages), 'host_free_pages'}\n"
	  "flags=PLAN_SUPERPAGES: free_pages are the nodes' unclaimed superpages (pages)" },
	{ "plan_like", mod_plan_like, METH_VARARGS,
	  "plan_like(domain: dict) -> plan: the exact claim set that recreates a domain\n"
	  "described as domain_info() returns it (claims_plan_like()), no device" },
	{ "node_cores", (PyCFunction)(void (*)(void))mod_node_cores, METH_VARARGS | METH_KEYWORDS,
	  "node_cores(node, sysfs_root=None) -> physical cores of NUMA node (SMT siblings once)" },
	{ NULL }
};

static struct PyModuleDef claims_module = {
	PyModuleDef_HEAD_INIT, "numaclaims._claims",
	"libclaims for Python (see the numaclaims package).", -1, mod_methods,
};

PyMODINIT_FUNC PyInit__claims(void)
{
	PyObject *m, *errors;

	if (PyType_Ready(&HandleType) < 0)
		return NULL;
	errors = PyImport_ImportModule("numaclaims.errors");
	if (!errors)
		return NULL;
	error_from = PyObject_GetAttrString(errors, "error_from");
	parse_error = PyObject_GetAttrString(errors, "ParseError");
	Py_DECREF(errors);
	if (!error_from || !parse_error)
		return NULL;
	m = PyModule_Create(&claims_module);
	if (!m)
		return NULL;
	Py_INCREF(&HandleType);
	if (PyModule_AddObject(m, "Handle", (PyObject *)&HandleType) < 0)
		return NULL;
#define C(name, v) PyModule_AddObject(m, name, PyLong_FromUnsignedLongLong(v))
	C("API_VERSION", NUMACLAIMS_API_VERSION);
	C("PAGE_SIZE", CLAIMS_PAGE_SIZE);
	C("MAX_NODES", NUMACLAIMS_MAX_NODES);
	C("MAX_ORDER", NUMACLAIMS_MAX_ORDER);
	C("TARGET_HOST", NUMACLAIMS_TARGET_HOST);
	C("TARGET_LEGACY", NUMACLAIMS_TARGET_LEGACY);
	C("TARGET_SPECIAL", NUMACLAIMS_TARGET_SPECIAL);
	C("DOMAIN_AUTODESTROY", NUMACLAIMS_DOMAIN_AUTODESTROY);
	C("MEMF_EXACT_NODE", NUMACLAIMS_MEMF_EXACT_NODE);
	C("MEMF_NO_REFCOUNT", NUMACLAIMS_MEMF_NO_REFCOUNT);
	C("MEMF_SUPERPAGE", NUMACLAIMS_MEMF_SUPERPAGE);
	C("CLAIM_SUPERPAGES", NUMACLAIMS_CLAIM_SUPERPAGES);
	C("SUPERPAGE_ORDER", NUMACLAIMS_SUPERPAGE_ORDER);
	C("SUPERPAGE_PAGES", NUMACLAIMS_SUPERPAGE_PAGES);
	C("MAX_ENTRIES", CLAIMS_MAX_ENTRIES);
	C("PLAN_SPREAD", CLAIMS_PLAN_SPREAD);
	C("PLAN_SUPERPAGES", CLAIMS_PLAN_SUPERPAGES);
	C("PLAN_ONE_NODE", CLAIMS_PLAN_ONE_NODE);
	C("PLAN_NODES", CLAIMS_PLAN_NODES);
	C("PLAN_HOST_SPREAD", CLAIMS_PLAN_HOST_SPREAD);
	C("PLAN_POLICY_CORES", CLAIMS_PLAN_POLICY_CORES);
	C("PLAN_POLICY_MEM_ONLY", CLAIMS_PLAN_POLICY_MEM_ONLY);
#undef C
	PyModule_AddIntConstant(m, "PLAN_NO_NODE", CLAIMS_PLAN_NO_NODE);
	/* The release: the repository's VERSION file (python/Makefile). */
	PyModule_AddStringConstant(m, "__version__", NUMACLAIMS_PY_VERSION);
	return m;
}
