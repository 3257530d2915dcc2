package io.qonnect.kb.store;

class InMemoryKnowledgeStoreTest extends KnowledgeStoreContract {
  @Override
  protected KnowledgeStore open() {
    return new InMemoryKnowledgeStore();
  }
}
