#include "model_set_page.h"

#include "model_set_table_model.h"
#include "project_document.h"
#include "tensor_tree_model.h"

#include <QColorDialog>
#include <QCursor>
#include <QHeaderView>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace mergelab::gui {

ModelSetPage::ModelSetPage(ProjectDocument* document, QWidget* parent) : QWidget(parent), m_document(document)
{
    auto* layout = new QVBoxLayout(this);
    m_title = new QLabel(tr("No project open. Use File → Open Project…, File → New Project, or drop a "
                            "*.mergelab.json file or checkpoints here."),
                         this);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    layout->addWidget(m_title);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    auto* top = new QWidget(splitter);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    m_model = document->members();
    m_table = new QTableView(top);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->setAlternatingRowColors(true);
    m_table->setAccessibleName(tr("Models of the project"));
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Double-click is ours (swatch: colour, name: rename); F2 or a click on the selected name edits too.
    m_table->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    topLayout->addWidget(m_table);
    auto* buttons = new QHBoxLayout;
    m_makeBase = new QPushButton(tr("Use as &Base"), top);
    m_makeBase->setToolTip(tr("Make the selected checkpoint the pretrained base; task vectors are taken from it."));
    m_makeBase->setAccessibleName(tr("Use the selected checkpoint as the base"));
    m_makeBase->setEnabled(false);
    m_color = new QPushButton(tr("&Colour…"), top);
    m_color->setToolTip(tr("Choose the colour of the selected model in charts (or double-click its swatch)."));
    m_color->setAccessibleName(tr("Choose the colour of the selected model"));
    m_color->setEnabled(false);
    auto* add = new QPushButton(tr("&Add Checkpoints…"), top);
    add->setToolTip(tr("Add checkpoint files to the project (or drop them on the window)."));
    add->setAccessibleName(tr("Add checkpoint files to the project"));
    auto* addFolder = new QPushButton(tr("Add &Folder…"), top);
    addFolder->setToolTip(tr("Add a checkpoint folder (sharded safetensors, Hugging Face layout) to the project."));
    addFolder->setAccessibleName(tr("Add a checkpoint folder to the project"));
    m_remove = new QPushButton(tr("&Remove"), top);
    m_remove->setToolTip(tr("Remove the selected checkpoint from the project (the file stays on disk)."));
    m_remove->setAccessibleName(tr("Remove the selected checkpoint from the project"));
    m_remove->setEnabled(false);
    buttons->addWidget(m_makeBase);
    buttons->addWidget(m_color);
    buttons->addSpacing(12);
    buttons->addWidget(add);
    buttons->addWidget(addFolder);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    connect(add, &QPushButton::clicked, this, &ModelSetPage::addCheckpointsRequested);
    connect(addFolder, &QPushButton::clicked, this, &ModelSetPage::addFolderRequested);
    connect(m_remove, &QPushButton::clicked, this, &ModelSetPage::removeSelected);
    connect(m_color, &QPushButton::clicked, this, [this] { chooseColor(m_table->currentIndex().row()); });
    connect(m_table, &QTableView::doubleClicked, this, &ModelSetPage::onDoubleClicked);
    topLayout->addLayout(buttons);

    auto* bottom = new QWidget(splitter);
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    m_treeTitle = new QLabel(bottom);
    m_treeModel = new widgets::TensorTreeModel(this);
    m_tree = new QTreeView(bottom);
    m_tree->setModel(m_treeModel);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setAccessibleName(tr("Tensors of the selected model"));
    m_tree->setStyleSheet(QStringLiteral("QTreeView::item { padding-right: 12px; }"));
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(widgets::TensorTreeModel::NameColumn, QHeaderView::Stretch);
    for (int c = 1; c < widgets::TensorTreeModel::ColumnCount; ++c)
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    bottomLayout->addWidget(m_treeTitle);
    bottomLayout->addWidget(m_tree, 1);
    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { showMember(current.row()); });
    connect(m_makeBase, &QPushButton::clicked, this, &ModelSetPage::makeSelectedBase);
    connect(document, &ProjectDocument::changed, this, [this](ProjectDocument::Change change) {
        if (change == ProjectDocument::Change::Details)
            return;
        showTitle();
        if (change == ProjectDocument::Change::Opened)
            selectRow(m_model->baseRow() >= 0 ? m_model->baseRow() : 0);
    });
    // Added checkpoints are shown selected (the first of them).
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex&, int first) { selectRow(first); });
    connect(document, &ProjectDocument::saved, this, [this](const QString& path) { m_title->setToolTip(path); });
}

void ModelSetPage::showTitle()
{
    const ModelSet set = m_document->set();
    const int count = static_cast<int>(set.models.size());
    const QString name = set.name.empty() ? tr("Untitled project") : QString::fromStdString(set.name);
    if (m_model->rowCount() == 0)
        m_title->setText(tr("%1 — empty: add checkpoints with the buttons below or drop files or folders on the "
                            "window; the first one becomes the base.")
                             .arg(name));
    else
        m_title->setText(count == 1 ? tr("%1 — a base and 1 fine-tuned model").arg(name)
                                    : tr("%1 — a base and %2 fine-tuned models").arg(name).arg(count));
    m_title->setToolTip(m_document->path());
}

void ModelSetPage::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return showMember(-1);
    m_table->selectionModel()->setCurrentIndex(m_model->index(row, 0),
                                               QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    showMember(row);
}

void ModelSetPage::showMember(int row)
{
    const ProjectMember* m = m_model->member(row);
    m_makeBase->setEnabled(m && !m->isBase && m->error.isEmpty());
    m_color->setEnabled(m != nullptr);
    m_remove->setEnabled(m != nullptr);
    if (!m) {
        m_treeTitle->clear();
        m_treeModel->setTree(nullptr);
        return;
    }
    m_treeTitle->setText(m->error.isEmpty() ? tr("Tensors of %1").arg(m->name) : m->error);
    m_treeModel->setTree(m->summary.tree);
    m_tree->expandToDepth(0);
}

void ModelSetPage::makeSelectedBase()
{
    const int row = m_table->currentIndex().row();
    if (m_model->makeBase(row)) // the document tells every page the base changed
        showMember(row);
}

void ModelSetPage::removeSelected()
{
    const int row = m_table->currentIndex().row();
    if (m_model->removeMember(row))
        selectRow(std::min(row, m_model->rowCount() - 1));
}

void ModelSetPage::chooseColor(int row)
{
    const ProjectMember* m = m_model->member(row);
    if (!m)
        return;
    const QColor initial(m->color.isEmpty() ? QStringLiteral("#808080") : m->color);
    const QColor chosen = QColorDialog::getColor(initial, this, tr("Colour of %1").arg(m->name));
    if (chosen.isValid())
        m_model->setColor(row, chosen.name(QColor::HexRgb));
}

void ModelSetPage::onDoubleClicked(const QModelIndex& index)
{
    if (!index.isValid())
        return;
    if (index.column() != ModelSetTableModel::NameColumn)
        return;
    // The swatch sits at the left of the name cell: a double-click there picks a colour.
    const QRect cell = m_table->visualRect(index);
    const QPoint at = m_table->viewport()->mapFromGlobal(QCursor::pos());
    const int swatch = m_table->iconSize().isValid() ? m_table->iconSize().width() : 16;
    if (at.x() - cell.left() <= swatch + 8)
        return chooseColor(index.row());
    m_table->edit(index);
}

} // namespace mergelab::gui
