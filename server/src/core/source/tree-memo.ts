// Memos keyed by syntax nodes. An incremental parse (ts.updateSourceFile) moves the nodes of the
// unchanged code into the new tree, so an answer remembered for a node can be wrong afterwards
// whenever it depends on more than the node's own subtree: its parents (the enclosing function,
// a try block around it) or the file's taint facts. Every parse therefore starts a new tree
// generation, and a memo forgets everything it holds when it sees a new generation.

let generation = 0;

/** Called by the front end for every tree it makes, fresh or incremental. */
export function startTreeGeneration(): void {
  generation++;
}

export interface NodeMemo<K extends object, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
}

/** A WeakMap that is emptied when a new syntax tree is made. */
export function nodeMemo<K extends object, V>(): NodeMemo<K, V> {
  let map = new WeakMap<K, V>();
  let seen = generation;
  const current = (): WeakMap<K, V> => {
    if (seen !== generation) {
      map = new WeakMap();
      seen = generation;
    }
    return map;
  };
  return {
    get: (key) => current().get(key),
    set: (key, value) => {
      current().set(key, value);
    },
  };
}
